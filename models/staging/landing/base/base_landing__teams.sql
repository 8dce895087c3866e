with source as (
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

flagged as (
    select
        *,
        {{ conflicting_duplicate_flag('teams', 'team_id') }} as is_conflicting_duplicate
    from checked
)

select * from flagged
