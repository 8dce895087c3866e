{#- Calendar helpers of the contact marts (kpi_volume_trends, kpi_hourly_volume). Dispatched:
    default__ = DuckDB/Postgres syntax, spark__ where Spark differs. -#}

{#- ISO-8601 year of a date (the year of the Thursday of its Monday-based week). -#}
{% macro iso_year(date_expr) -%}
    {{ return(adapter.dispatch('iso_year', 'support_warehouse')(date_expr)) }}
{%- endmacro %}
{% macro default__iso_year(date_expr) -%}
    cast(extract(isoyear from {{ date_expr }}) as integer)
{%- endmacro %}
{% macro spark__iso_year(date_expr) -%}
    year(date_add({{ date_expr }}, 4 - (((dayofweek({{ date_expr }}) + 5) % 7) + 1)))
{%- endmacro %}

{#- ISO-8601 week number (1-53) of a date. -#}
{% macro iso_week(date_expr) -%}
    {{ return(adapter.dispatch('iso_week', 'support_warehouse')(date_expr)) }}
{%- endmacro %}
{% macro default__iso_week(date_expr) -%}
    cast(extract(week from {{ date_expr }}) as integer)
{%- endmacro %}
{% macro spark__iso_week(date_expr) -%}
    weekofyear({{ date_expr }})
{%- endmacro %}

{#- Hour of the day (0-23) of a timestamp. -#}
{% macro hour_of_day(ts_expr) -%}
    cast(extract(hour from {{ ts_expr }}) as integer)
{%- endmacro %}
