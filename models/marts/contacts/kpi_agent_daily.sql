{%- set event_day = reporting_date('created_at') %}
{%- set message_day = reporting_date('sent_at') %}
{%- set solved_day = reporting_date('last_solved_at') %}
{#- Incremental per day (macros/refresh_scope.sql): a day is recomputed when a contact of it, a
    ticket solved in it or a survey response of it was written since, or when one that was in it
    was replaced (the logs keep its old row: it may have left the day); when a chat message of it
    was staged since or a conversation of its messages was; when an earlier version of a ticket
    event or chat message staged since was in it; and every day of the events of a ticket that
    was staged since, that has an event staged since or that an earlier version of such an event
    named (which comment opens an agent-created ticket, not a reply, depends on all of them).
    CSAT is read from fct_survey_responses, the table whose written rows put its days in scope. -#}
{%- set refresh = {
    'key': 'date_day',
    'upstream': [
        ['fct_contacts', 'started_date'],
        ['int_contact_versions_replaced', 'started_date'],
        ['fct_tickets', solved_day],
        ['int_ticket_versions_replaced', solved_day],
        ['stg_landing__chat_messages', message_day],
        ['fct_survey_responses', 'responded_date'],
        ['int_survey_response_versions_replaced', 'responded_date'],
    ],
    'earlier_versions': [['ticket_events', event_day], ['chat_messages', message_day]],
    'changed': ['agent_ticket_event_days', 'conversation_message_days', 'stale_watermark'],
} -%}
{{ refreshed_by_scope(refresh) }}

with

contacts as (
    select * from {{ ref('fct_contacts') }}
),

tickets as (
    select * from {{ ref('fct_tickets') }}
),

ticket_events as (
    select * from {{ ref('int_ticket_events_classified') }}
),

chat_messages as (
    select * from {{ ref('stg_landing__chat_messages') }}
),

conversations as (
    select * from {{ ref('stg_landing__chat_conversations') }}
),

survey_responses as (
    select * from {{ ref('fct_survey_responses') }}
),

contact_days as (
    select
        started_date as date_day,
        coalesce(agent_id, 'unassigned') as agent_id,
        count(*) as contacts_handled,
        count(case when source = 'ticket' then 1 end) as tickets_handled,
        count(case when source = 'chat' then 1 end) as chats_handled,
        count(case when source = 'call' then 1 end) as calls_handled,
        percentile_cont(0.5) within group (order by first_response_seconds)
            as median_first_response_seconds,
        {{ exact_avg('handle_seconds') }} as avg_handle_seconds
    from contacts
    where {{ in_refresh_scope(refresh, key='started_date') }}
    group by 1, 2
),

ticket_replies as (
    select
        coalesce(ticket_events.actor_id, 'unassigned') as agent_id,
        {{ reporting_date('ticket_events.created_at') }} as date_day,
        count(*) as ticket_replies_sent
    from ticket_events
    inner join tickets
        on ticket_events.ticket_id = tickets.ticket_id
    where
        ticket_events.is_public_agent_reply
        and {{ in_refresh_scope(refresh, key=reporting_date('ticket_events.created_at')) }}
    group by 1, 2
),

chat_replies as (
    select
        coalesce(chat_messages.author_id, 'unassigned') as agent_id,
        {{ reporting_date('chat_messages.sent_at') }} as date_day,
        count(*) as chat_messages_sent
    from chat_messages
    inner join conversations
        on chat_messages.conversation_id = conversations.conversation_id
    where
        chat_messages.author_role = 'agent'
        and chat_messages.sent_at is not null
        and {{ in_refresh_scope(refresh, key=reporting_date('chat_messages.sent_at')) }}
    group by 1, 2
),

solved as (
    select
        coalesce(assignee_id, 'unassigned') as agent_id,
        {{ reporting_date('last_solved_at') }} as date_day,
        count(*) as solved_tickets
    from tickets
    where
        is_solved
        and last_solved_at is not null
        and {{ in_refresh_scope(refresh, key=solved_day) }}
    group by 1, 2
),

csat as (
    -- fct_survey_responses resolved the agent (the response's own, else its linked contact's)
    -- and labels a response without one 'unknown'.
    select
        responded_date as date_day,
        coalesce(nullif(agent_id, 'unknown'), 'unassigned') as agent_id,
        count(*) as csat_responses,
        count(case when is_satisfied then 1 end) as csat_satisfied
    from survey_responses
    where
        survey_type = 'csat'
        and {{ in_refresh_scope(refresh, key='responded_date') }}
    group by 1, 2
),

agent_days as (
    select
        agent_id,
        date_day
    from contact_days
    union
    select
        agent_id,
        date_day
    from ticket_replies
    union
    select
        agent_id,
        date_day
    from chat_replies
    union
    select
        agent_id,
        date_day
    from solved
    union
    select
        agent_id,
        date_day
    from csat
),

final as (
    select
        agent_days.agent_id,
        agent_days.date_day,
        contact_days.median_first_response_seconds,
        contact_days.avg_handle_seconds,
        coalesce(contact_days.contacts_handled, 0) as contacts_handled,
        coalesce(contact_days.tickets_handled, 0) as tickets_handled,
        coalesce(contact_days.chats_handled, 0) as chats_handled,
        coalesce(contact_days.calls_handled, 0) as calls_handled,
        coalesce(ticket_replies.ticket_replies_sent, 0) as ticket_replies_sent,
        coalesce(chat_replies.chat_messages_sent, 0) as chat_messages_sent,
        coalesce(ticket_replies.ticket_replies_sent, 0)
        + coalesce(chat_replies.chat_messages_sent, 0) as replies_sent,
        coalesce(solved.solved_tickets, 0) as solved_tickets,
        coalesce(csat.csat_responses, 0) as csat_responses,
        coalesce(csat.csat_satisfied, 0) as csat_satisfied,
        cast(csat.csat_satisfied as {{ type_double() }})
        * 100.0 / nullif(csat.csat_responses, 0) as csat_pct,
        {{ refreshed_at() }} as _refreshed_at
    from agent_days
    left join contact_days
        on
            agent_days.agent_id = contact_days.agent_id
            and agent_days.date_day = contact_days.date_day
    left join ticket_replies
        on
            agent_days.agent_id = ticket_replies.agent_id
            and agent_days.date_day = ticket_replies.date_day
    left join chat_replies
        on
            agent_days.agent_id = chat_replies.agent_id
            and agent_days.date_day = chat_replies.date_day
    left join solved
        on
            agent_days.agent_id = solved.agent_id
            and agent_days.date_day = solved.date_day
    left join csat
        on
            agent_days.agent_id = csat.agent_id
            and agent_days.date_day = csat.date_day
)

select * from final
