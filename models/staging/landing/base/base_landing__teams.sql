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

conflicting_keys as (
    {{ conflicting_duplicate_keys('source', 'teams', 'team_id') }}
),

flagged as (
    select
        checked.*,
        conflicting_keys.team_id is not null as is_conflicting_duplicate
    from checked
    left join conflicting_keys
        on
            checked.team_id = conflicting_keys.team_id
            and checked._file_id = conflicting_keys._file_id
),

traced as (
    {{ base_rows('flagged', 'teams', cleaned_columns) }}
)

select * from traced
