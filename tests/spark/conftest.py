"""The Spark comparison test is collected only by `make spark-test` (SPARK_TEST=1): it needs the
`spark` extra (pyspark, dbt-spark), Java 17 and several minutes, so `make test` leaves it out."""

from __future__ import annotations

import os

if os.environ.get("SPARK_TEST") != "1":
    collect_ignore_glob = ["test_*.py"]
