{{ config(unique_key='agent_id') }}
-- depends_on: {{ ref('quarantine_landing__agents') }}
-- depends_on: {{ ref('stg_landing__landed_files') }}
-- The quarantine (and the load manifest the gate reads) is recorded before the good rows are
-- published, so that the quarantine-share gate on this model blocks everything downstream.
with base as {{ inline_cte() }} (
    select * from {{ ref('base_landing__agents') }}
),

latest_versions as (
    {{ latest_version('base', key='agent_id') }}
),

final as (
    select
        -- ids
        agent_id,
        team_id,
        -- strings
        agent_name,
        email,
        role,
        timezone,
        -- timestamps
        hired_at,
        left_at,
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
