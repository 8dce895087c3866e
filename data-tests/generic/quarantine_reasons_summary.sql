{#- Warns (never fails) when a quarantine model holds rows: one row per (entity, reason) with the
    number of rows and the first file/row seen, so the warning says what was set aside and why. -#}
{% test quarantine_reasons_summary(model) %}
{{ config(severity='warn') }}

select
    entity,
    quarantine_reason,
    count(*) as quarantined_rows,
    min(_source_file) as first_source_file,
    min(_source_row) as first_source_row
from {{ model }}
group by 1, 2
{% endtest %}
