{%- set refresh = {
    'key': 'conversation_id',
    'upstream': [
        ['stg_landing__chat_conversations', 'conversation_id'],
        ['stg_landing__chat_messages', 'conversation_id'],
    ],
} -%}
{{ refreshed_by_scope(refresh) }}
with

messages as (
    select * from {{ ref('stg_landing__chat_messages') }}
    where {{ in_refresh_scope(refresh) }}
),

conversations as (
    select * from {{ ref('stg_landing__chat_conversations') }}
    where {{ in_refresh_scope(refresh) }}
),

conversation as (
    -- Only customer and agent messages of known conversations take part: bot and system
    -- messages neither start nor answer a turn.
    select
        messages.conversation_id,
        messages.message_id,
        messages.author_id,
        messages.sent_at,
        messages.author_role = 'customer' as is_customer,
        messages.author_role = 'agent' as is_agent
    from messages
    inner join conversations
        on messages.conversation_id = conversations.conversation_id
    where
        messages.author_role in ('customer', 'agent')
        and messages.sent_at is not null
),

sequenced as (
    select
        *,
        lag(is_customer) over (
            partition by conversation_id order by sent_at, message_id
        ) as previous_is_customer,
        sum(case when is_agent then 1 else 0 end) over (
            partition by conversation_id
            order by sent_at, message_id
            rows between unbounded preceding and current row
        ) as agent_messages_so_far
    from conversation
),

turns as (
    select
        conversation_id,
        message_id as turn_message_id,
        sent_at as turn_started_at,
        agent_messages_so_far as agent_messages_before,
        row_number() over (
            partition by conversation_id order by sent_at, message_id
        ) as turn_number
    from sequenced
    where is_customer and not coalesce(previous_is_customer, false)
),

agent_messages as (
    select
        conversation_id,
        message_id,
        author_id,
        sent_at,
        agent_messages_so_far as agent_message_number
    from sequenced
    where is_agent
),

paired as (
    select
        turns.conversation_id,
        turns.turn_number,
        turns.turn_message_id,
        agent_messages.message_id as reply_message_id,
        agent_messages.author_id as agent_id,
        turns.turn_started_at,
        agent_messages.sent_at as replied_at,
        agent_messages.message_id is not null as is_answered,
        {{ seconds_between('turns.turn_started_at', 'agent_messages.sent_at') }}
            as reply_seconds,
        {{ refreshed_at() }} as _refreshed_at
    from turns
    left join agent_messages
        on
            turns.conversation_id = agent_messages.conversation_id
            and agent_messages.agent_message_number
            = turns.agent_messages_before + 1
)

select * from paired
