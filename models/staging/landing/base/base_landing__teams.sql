with source as (
    select * from {{ source('landing', 'teams') }}
),

cleaned as (
    select
        -- ids
        {{ clean_text('team_id') }} as team_id,
        {{ clean_text('schedule_id') }} as schedule_id,
        -- strings
        {{ clean_text('name') }} as team_name,
        -- values as delivered
        {%- for column in landing_columns('teams') %}
            {{ column }} as raw_{{ column }},
        {%- endfor %}
        -- metadata
        _source_file,
        _source_row,
        _loaded_at,
        _file_id
    from source
),

checked as (
    select
        *,
        {{ quarantine_reason([
            reason_missing('team_id'),
        ]) }} as quarantine_reason
    from cleaned
)

select * from checked
