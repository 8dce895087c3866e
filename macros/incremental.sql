{#- Incremental refresh of the landing staging models. Landed files never change and the loader
    numbers them in load order (`_file_id` only grows), so "new data" is every row of a file whose
    id is above the highest file id the model already holds. A model that failed or was skipped
    last night holds a lower id and simply catches up. `dbt build --full-refresh` (Dagster run
    config `full_refresh: true`) rebuilds everything from the raw tables. -#}

{#- A WHERE clause (empty in a full build): rows of files this model has not seen yet. -#}
{% macro rows_from_new_files(file_id_column='_file_id') -%}
    {%- if is_incremental() %}
    where {{ file_id_column }} > (
        select coalesce(max({{ file_id_column }}), -1) from {{ this }}
    )
    {%- endif %}
{%- endmacro %}
