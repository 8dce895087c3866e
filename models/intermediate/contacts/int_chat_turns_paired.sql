{%- set refresh = {
    'key': 'conversation_id',
    'upstream': [
        ['stg_landing__chat_conversations', 'conversation_id'],
        ['stg_landing__chat_messages', 'conversation_id'],
    ],
    'earlier_versions': ['chat_messages'],
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

reply_keyed as (
    -- A turn and the agent message that answers it share a key: the turn's count of agent
    -- messages before it, plus one, is the number of its reply. Each key holds at most one turn
    -- and one reply, so an aggregation pairs them and `sequenced` is read once (the same pairing
    -- as int_ticket_reply_turns_paired, where a self-join ran out of memory at 5M tickets).
    select
        conversation_id,
        message_id,
        author_id,
        sent_at,
        is_agent,
        is_customer and not coalesce(previous_is_customer, false) as is_turn_start,
        case
            when is_agent then agent_messages_so_far
            else agent_messages_so_far + 1
        end as reply_number
    from sequenced
    where is_agent or (is_customer and not coalesce(previous_is_customer, false))
),

turns_with_replies as (
    select
        conversation_id,
        reply_number,
        max(case when is_turn_start then message_id end) as turn_message_id,
        max(case when is_turn_start then sent_at end) as turn_started_at,
        max(case when is_agent then message_id end) as reply_message_id,
        max(case when is_agent then author_id end) as agent_id,
        max(case when is_agent then sent_at end) as replied_at
    from reply_keyed
    group by 1, 2
),

turns as (
    select
        *,
        row_number() over (
            partition by conversation_id order by reply_number
        ) as turn_number
    from turns_with_replies
    where turn_message_id is not null
),

paired as (
    select
        conversation_id,
        turn_number,
        turn_message_id,
        reply_message_id,
        agent_id,
        turn_started_at,
        replied_at,
        reply_message_id is not null as is_answered,
        {{ seconds_between('turn_started_at', 'replied_at') }} as reply_seconds,
        {{ refreshed_at() }} as _refreshed_at
    from turns
)

select * from paired
