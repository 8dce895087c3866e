{%- set cleaned_columns = [
    'message_id',
    'conversation_id',
    'author_id',
    'author_role',
    'body',
    'sent_at',
] -%}
with source as {{ inline_cte() }} (
    select * from {{ source('landing', 'chat_messages') }}
    {{ rows_from_new_files() }}
),

cleaned as (
    select
        -- ids
        {{ clean_text('message_id') }} as message_id,
        {{ clean_text('conversation_id') }} as conversation_id,
        {{ clean_text('author_id') }} as author_id,
        -- strings
        {{ canonical_token('author_role', 'role') }} as author_role,
        {{ clean_text('body') }} as body,
        -- timestamps
        {{ text_to_utc('sent_at') }} as sent_at,
        -- values as delivered (raw_<column>) and load metadata
        {{ landing_passthrough_columns('chat_messages') }}
    from source
),

checked as (
    select
        *,
        {{ quarantine_reason([
            reason_missing('message_id'),
            reason_missing('conversation_id'),
            reason_missing('sent_at'),
            reason_unparseable('sent_at'),
            reason_missing('author_role'),
            reason_unknown('author_role'),
        ]) }} as quarantine_reason
    from cleaned
),

traced as (
    {{ base_rows('checked', 'source', 'chat_messages', 'message_id', cleaned_columns) }}
)

select * from traced
