{{ config(unique_key='macro_id') }}
-- depends_on: {{ ref('quarantine_landing__macros') }}
-- depends_on: {{ ref('stg_landing__landed_files') }}
-- The quarantine (and the load manifest the gate reads) is recorded before the good rows are
-- published, so that the quarantine-share gate on this model blocks everything downstream.
with base as {{ inline_cte() }} (
    select * from {{ ref('base_landing__macros') }}
),

latest_versions as (
    {{ latest_version('base', key='macro_id') }}
),

final as (
    select
        -- ids
        macro_id,
        -- strings
        title,
        kind,
        -- booleans
        is_active,
        -- reconciliation: good versions delivered for this key (superseded = count - 1)
        versions_count,
        -- metadata of the winning version
        _source_file,
        _source_row,
        _loaded_at,
        _file_id,
        -- when this row was written (the watermark of the models built from it)
        {{ refreshed_at() }} as _refreshed_at
    from latest_versions
)

select * from final
