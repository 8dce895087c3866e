{%- set cleaned_columns = [
    'team_id',
    'schedule_id',
    'team_name',
] -%}
with source as {{ inline_cte() }} (
    select * from {{ source('landing', 'teams') }}
    {{ rows_from_new_files() }}
),

cleaned as (
    select
        -- ids
        {{ clean_text('team_id') }} as team_id,
        {{ clean_text('schedule_id') }} as schedule_id,
        -- strings
        {{ clean_text('name') }} as team_name,
        -- values as delivered (raw_<column>) and load metadata
        {{ landing_passthrough_columns('teams') }}
    from source
),

checked as (
    select
        *,
        {{ quarantine_reason([
            reason_missing('team_id'),
        ]) }} as quarantine_reason
    from cleaned
),

traced as (
    {{ base_rows('checked', 'source', 'teams', 'team_id', cleaned_columns) }}
)

select * from traced
