{%- set refresh = {
    'key': 'conversation_id',
    'upstream': [
        ['stg_landing__chat_conversations', 'conversation_id'],
        ['stg_landing__chat_messages', 'conversation_id'],
        ['int_chat_turns_paired', 'conversation_id'],
    ],
    'earlier_versions': ['chat_messages'],
} -%}
{{ refreshed_by_scope(refresh) }}
with

conversations as (
    select * from {{ ref('stg_landing__chat_conversations') }}
    where {{ in_refresh_scope(refresh) }}
),

messages as {{ scoped_cte() }} (
    select
        conversation_id,
        message_id,
        author_id,
        author_role,
        sent_at
    from {{ ref('stg_landing__chat_messages') }}
    where {{ in_refresh_scope(refresh) }}
),

turns as {{ scoped_cte() }} (
    select * from {{ ref('int_chat_turns_paired') }}
    where {{ in_refresh_scope(refresh) }}
),

message_counts as (
    select
        conversation_id,
        sum(case when author_role = 'customer' then 1 else 0 end)
            as customer_messages_count,
        sum(case when author_role = 'agent' then 1 else 0 end)
            as agent_messages_count,
        sum(case when author_role = 'bot' then 1 else 0 end)
            as bot_messages_count,
        min(case when author_role = 'customer' then sent_at end)
            as first_customer_message_at,
        min(case when author_role = 'agent' then sent_at end)
            as first_agent_message_at
    from messages
    group by 1
),

first_agents as (
    select
        conversation_id,
        author_id as first_agent_id,
        row_number() over (
            partition by conversation_id order by sent_at, message_id
        ) as agent_message_number
    from messages
    where author_role = 'agent'
),

first_turns as (
    select
        conversation_id,
        replied_at as first_response_at,
        reply_seconds as first_response_seconds
    from turns
    where turn_number = 1
),

turn_counts as (
    select
        conversation_id,
        count(*) as customer_turns_count,
        sum(case when is_answered then 0 else 1 end) as unanswered_turns_count
    from turns
    group by 1
),

measured as (
    select
        conversations.conversation_id,
        conversations.customer_id,
        coalesce(conversations.assignee_id, first_agents.first_agent_id)
            as agent_id,
        conversations.team_id,
        conversations.ticket_id,
        conversations.channel,
        conversations.status,
        conversations.started_at,
        conversations.ended_at,
        message_counts.first_customer_message_at,
        message_counts.first_agent_message_at,
        first_turns.first_response_at,
        first_turns.first_response_seconds,
        case
            when
                message_counts.first_agent_message_at is not null
                and conversations.ended_at
                >= message_counts.first_agent_message_at
                then {{ seconds_between(
                    'message_counts.first_agent_message_at',
                    'conversations.ended_at'
                ) }}
        end as handle_seconds,
        coalesce(message_counts.customer_messages_count, 0)
            as customer_messages_count,
        coalesce(message_counts.agent_messages_count, 0)
            as agent_messages_count,
        coalesce(message_counts.bot_messages_count, 0) as bot_messages_count,
        coalesce(turn_counts.customer_turns_count, 0) as customer_turns_count,
        coalesce(turn_counts.unanswered_turns_count, 0)
            as unanswered_turns_count,
        {{ refreshed_at() }} as _refreshed_at
    from conversations
    left join message_counts
        on conversations.conversation_id = message_counts.conversation_id
    left join first_agents
        on
            conversations.conversation_id = first_agents.conversation_id
            and first_agents.agent_message_number = 1
    left join first_turns
        on conversations.conversation_id = first_turns.conversation_id
    left join turn_counts
        on conversations.conversation_id = turn_counts.conversation_id
)

select * from measured
