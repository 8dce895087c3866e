"""Running the dbt project on another engine (Spark, Postgres): moving the raw tables there."""
