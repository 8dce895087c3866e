{%- set cleaned_columns = [
    'event_id',
    'ticket_id',
    'actor_id',
    'macro_id',
    'event_type',
    'actor_role',
    'from_value',
    'to_value',
    'body',
    'is_public',
    'created_at',
] -%}
{%- set event_type = canonical_token('event_type', 'event_type') -%}

with source as {{ inline_cte() }} (
    select * from {{ source('landing', 'ticket_events') }}
    {{ rows_from_new_files() }}
),

cleaned as (
    select
        -- ids
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_text('actor_id') }} as actor_id,
        {{ clean_text('macro_id') }} as macro_id,
        -- strings
        {{ event_type }} as event_type,
        {{ canonical_token('actor_role', 'role') }} as actor_role,
        -- status and priority changes carry canonical values; other changes keep trimmed text
        case {{ event_type }}
            when 'status_change' then {{ canonical_token('from_value', 'status') }}
            when 'priority_change' then {{ canonical_token('from_value', 'priority') }}
            else {{ clean_text('from_value') }}
        end as from_value,
        case {{ event_type }}
            when 'status_change' then {{ canonical_token('to_value', 'status') }}
            when 'priority_change' then {{ canonical_token('to_value', 'priority') }}
            else {{ clean_text('to_value') }}
        end as to_value,
        {{ clean_text('body') }} as body,
        -- booleans: a comment without a visibility flag is public (help desks default to public)
        case
            when {{ clean_text('is_public') }} is null then true
            else {{ text_to_boolean('is_public') }}
        end as is_public,
        -- timestamps
        {{ text_to_utc('created_at') }} as created_at,
        -- values as delivered (raw_<column>) and load metadata
        {{ landing_passthrough_columns('ticket_events') }}
    from source
),

checked as (
    select
        *,
        {{ quarantine_reason([
            reason_missing('event_id'),
            reason_missing('ticket_id'),
            reason_missing('created_at'),
            reason_unparseable('created_at'),
            reason_missing('event_type'),
            reason_unknown('event_type'),
            reason_missing('actor_role'),
            reason_unknown('actor_role'),
            reason_unparseable('is_public'),
            reason_unknown('from_value'),
            reason_unknown('to_value'),
        ]) }} as quarantine_reason
    from cleaned
),

traced as (
    {{ base_rows('checked', 'source', 'ticket_events', 'event_id', cleaned_columns) }}
)

select * from traced
