{#- Incremental per response (macros/refresh_scope.sql): a response is linked again when it was
    re-delivered, or when the ticket, chat or call it names was (it may exist only now). -#}
{%- set refresh = {
    'key': 'response_id',
    'upstream': [['stg_landing__survey_responses', 'response_id']],
    'changed': ['surveyed_contacts'],
} -%}
{{ refreshed_by_scope(refresh) }}
with

responses as (
    select * from {{ ref('stg_landing__survey_responses') }}
    where {{ in_refresh_scope(refresh) }}
),

tickets as (
    select * from {{ ref('stg_landing__tickets') }}
),

conversations as (
    select * from {{ ref('stg_landing__chat_conversations') }}
),

calls as (
    select * from {{ ref('stg_landing__calls') }}
),

linked as (
    -- The most specific known contact wins: an inbound call, else a chat, else a ticket.
    select
        responses.response_id,
        responses.survey_type,
        responses.score,
        responses.responded_at,
        case
            when calls.call_id is not null then 'call:' || calls.call_id
            when conversations.conversation_id is not null
                then 'chat:' || conversations.conversation_id
            when tickets.ticket_id is not null then 'ticket:' || tickets.ticket_id
        end as contact_id,
        case
            when calls.call_id is not null then 'call'
            when conversations.conversation_id is not null then 'chat'
            when tickets.ticket_id is not null then 'ticket'
        end as contact_source,
        {{ refreshed_at() }} as _refreshed_at
    from responses
    left join calls
        on
            responses.call_id = calls.call_id
            and calls.direction != 'outbound'
    left join conversations
        on responses.conversation_id = conversations.conversation_id
    left join tickets
        on responses.ticket_id = tickets.ticket_id
)

select * from linked
