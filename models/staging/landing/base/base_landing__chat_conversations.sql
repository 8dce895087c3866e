{%- set cleaned_columns = [
    'conversation_id',
    'customer_id',
    'assignee_id',
    'team_id',
    'ticket_id',
    'channel',
    'status',
    'started_at',
    'ended_at',
] -%}
with source as {{ inline_cte() }} (
    select * from {{ source('landing', 'chat_conversations') }}
    {{ rows_from_new_files() }}
),

cleaned as (
    select
        -- ids
        {{ clean_text('conversation_id') }} as conversation_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('assignee_id') }} as assignee_id,
        {{ clean_text('team_id') }} as team_id,
        {{ clean_text('ticket_id') }} as ticket_id,
        -- strings
        {{ canonical_token('channel', 'chat_channel') }} as channel,
        {{ normalize_token('status') }} as status,
        -- timestamps
        {{ text_to_utc('started_at') }} as started_at,
        {{ text_to_utc('ended_at') }} as ended_at,
        -- values as delivered (raw_<column>) and load metadata
        {{ landing_passthrough_columns('chat_conversations') }}
    from source
),

checked as (
    select
        *,
        {{ quarantine_reason([
            reason_missing('conversation_id'),
            reason_missing('started_at'),
            reason_unparseable('started_at'),
            reason_unparseable('ended_at'),
            reason_missing('customer_id'),
            reason_missing('channel'),
            reason_unknown('channel'),
            reason_before('ended_at', 'started_at'),
        ]) }} as quarantine_reason
    from cleaned
),

traced as (
    {{ base_rows('checked', 'source', 'chat_conversations', 'conversation_id', cleaned_columns) }}
)

select * from traced
