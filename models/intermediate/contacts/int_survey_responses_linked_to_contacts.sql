with

responses as (
    select * from {{ ref('stg_landing__survey_responses') }}
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
        end as contact_source
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
