{%- set cleaned_columns = [
    'agent_id',
    'team_id',
    'agent_name',
    'email',
    'role',
    'timezone',
    'hired_at',
    'left_at',
] -%}
with source as {{ inline_cte() }} (
    select * from {{ source('landing', 'agents') }}
    {{ rows_from_new_files() }}
),

cleaned as (
    select
        -- ids
        {{ clean_text('agent_id') }} as agent_id,
        {{ clean_text('team_id') }} as team_id,
        -- strings
        {{ clean_text('name') }} as agent_name,
        lower({{ clean_text('email') }}) as email,
        {{ normalize_token('role') }} as role,  -- noqa: RF04
        {{ clean_text('timezone') }} as timezone,
        -- timestamps
        {{ text_to_utc('hired_at') }} as hired_at,
        {{ text_to_utc('left_at') }} as left_at,
        -- values as delivered (raw_<column>) and load metadata
        {{ landing_passthrough_columns('agents') }}
    from source
),

checked as (
    select
        *,
        {{ quarantine_reason([
            reason_missing('agent_id'),
            reason_unparseable('hired_at'),
            reason_unparseable('left_at'),
            reason_before('left_at', 'hired_at'),
        ]) }} as quarantine_reason
    from cleaned
),

traced as (
    {{ base_rows('checked', 'source', 'agents', 'agent_id', cleaned_columns) }}
)

select * from traced
