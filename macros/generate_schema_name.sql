{#- Use the folder's schema name as is (staging, intermediate, marts, reference) instead of
    dbt's default <target_schema>_<custom_schema>, so BI tools and dbt-metabase see stable names. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
