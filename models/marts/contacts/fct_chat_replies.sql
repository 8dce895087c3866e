{#- `earlier_versions` (macros/refresh_scope.sql): a conversation whose messages were
    re-delivered under another conversation may have no turns left: an upstream key that loses
    all its rows writes no row to see, so the parents named by earlier versions of the records
    staged since are in scope here too. -#}
{%- set refresh = {
    'key': 'conversation_id',
    'upstream': [
        ['int_chat_turns_paired', 'conversation_id'],
        ['int_chat_conversations_measured', 'conversation_id'],
    ],
    'earlier_versions': ['chat_messages'],
} -%}
{{ refreshed_by_scope(refresh) }}
with

turns as (
    select * from {{ ref('int_chat_turns_paired') }}
    where {{ in_refresh_scope(refresh) }}
),

conversations as (
    select * from {{ ref('int_chat_conversations_measured') }}
    where {{ in_refresh_scope(refresh) }}
),

answered as (
    select
        turns.conversation_id || ':' || cast(turns.turn_number as {{ dbt.type_string() }})
            as reply_id,
        turns.conversation_id,
        turns.turn_number,
        turns.agent_id,
        conversations.team_id,
        conversations.customer_id,
        conversations.channel,
        turns.turn_message_id,
        turns.reply_message_id,
        turns.turn_started_at,
        turns.replied_at,
        {{ reporting_date('turns.replied_at') }} as replied_date,
        cast(turns.reply_seconds as {{ type_double() }}) as reply_seconds,
        turns.reply_seconds / 60.0 as reply_minutes,
        {{ refreshed_at() }} as _refreshed_at
    from turns
    inner join conversations
        on turns.conversation_id = conversations.conversation_id
    where turns.is_answered
)

select * from answered
