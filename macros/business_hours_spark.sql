{#- Spark versions of the business-hours helpers whose default needs Postgres or DuckDB
    features (kept apart from business_hours.sql, which dispatches to them). -#}

{#- Spark has no catalogue of time-zone names: the IANA names known to pytz (the same tz database
    as Java's, apart from a few deprecated aliases). -#}
{% macro spark__timezone_names_query() -%}
    select explode(array(
        {%- for name in modules.pytz.all_timezones %}
        '{{ name }}'{{ ',' if not loop.last }}
        {%- endfor %}
    )) as timezone_name
{%- endmacro %}

{#- One row per calendar day with sequence(), not dbt.date_spine (which needs datediff). -#}
{% macro spark__business_calendar_days(start_date, end_date) -%}
    select date_day as calendar_date
    from ({{ day_series(start_date, end_date) }}) as days
{%- endmacro %}
