{#- Spark: register the raw tables of a dbt source as external Parquet tables.

    dbt run-operation register_raw_tables --args '{location: /abs/path/raw}'

    `location` holds one folder per raw table (python -m orchestration.scale_out.raw_export writes
    them from the DuckDB warehouse); any URI the cluster can read works (file:/, hdfs://, s3a://,
    abfss://). Each table of the source is dropped (metadata only: the tables are external) and
    created again over `<location>/<table name>`, in the source's schema (`raw`). -#}
{% macro register_raw_tables(location, source_name='landing') -%}
    {%- if target.type != 'spark' -%}
        {{ exceptions.raise_compiler_error(
            'register_raw_tables is for the spark target; ' ~ target.type
            ~ ' gets its raw tables from the ingest (see docs/scale-out.md)'
        ) }}
    {%- endif -%}
    {%- if execute -%}
        {%- set base = location | string | trim -%}
        {%- set base = base[:-1] if base.endswith('/') else base -%}
        {%- set created = [] -%}
        {%- for source in graph.sources.values() if source.source_name == source_name -%}
            {%- if source.schema not in created -%}
                {%- do run_query('create database if not exists ' ~ source.schema) -%}
                {%- do created.append(source.schema) -%}
            {%- endif -%}
            {%- set relation = source.schema ~ '.' ~ source.identifier -%}
            {%- do run_query('drop table if exists ' ~ relation) -%}
            {%- do run_query(
                'create table ' ~ relation ~ " using parquet location '"
                ~ base ~ '/' ~ source.identifier ~ "'"
            ) -%}
            {{ log('registered ' ~ relation ~ ' over ' ~ base ~ '/' ~ source.identifier, info=true) }}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
