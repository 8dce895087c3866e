{#- Incremental per contact (macros/refresh_scope.sql): a contact is recomputed when a row it is
    built from (staged ticket or call, ticket milestones, measured chat) was written since this
    model's last build. -#}
{%- set refresh = {
    'key': 'contact_id',
    'upstream': [
        ['stg_landing__tickets', "'ticket:' || ticket_id"],
        ['int_ticket_milestones_measured', "'ticket:' || ticket_id"],
        ['int_chat_conversations_measured', "'chat:' || conversation_id"],
        ['stg_landing__calls', "'call:' || call_id"],
    ],
} -%}
{{ refreshed_by_scope(refresh) }}
with

tickets as (
    select * from {{ ref('stg_landing__tickets') }}
    where {{ in_refresh_scope(refresh, key="'ticket:' || ticket_id") }}
),

milestones as (
    -- the inner join with the tickets in scope below keeps only theirs
    select * from {{ ref('int_ticket_milestones_measured') }}
),

chats as (
    select * from {{ ref('int_chat_conversations_measured') }}
    where {{ in_refresh_scope(refresh, key="'chat:' || conversation_id") }}
),

calls as (
    select * from {{ ref('stg_landing__calls') }}
    where {{ in_refresh_scope(refresh, key="'call:' || call_id") }}
),

ticket_contacts as (
    select
        'ticket:' || tickets.ticket_id as contact_id,
        'ticket' as source,  -- noqa: RF04
        tickets.ticket_id as source_id,
        tickets.channel,
        tickets.customer_id,
        tickets.assignee_id as agent_id,
        tickets.team_id,
        tickets.ticket_id,
        tickets.created_at as started_at,
        milestones.first_response_at,
        milestones.first_response_minutes * 60.0 as first_response_seconds,
        milestones.first_response_business_minutes,
        -- a help-desk export has no time tracking: time in new + open
        -- (fct_tickets.agent_work_minutes) is elapsed time, not work, so it is not handle time
        cast(null as {{ type_double() }}) as handle_seconds,
        milestones.agent_replies_count as replies_count,
        cast(null as boolean) as is_abandoned,
        milestones.is_solved,
        milestones.is_one_touch_resolution
    from tickets
    inner join milestones
        on tickets.ticket_id = milestones.ticket_id
),

chat_contacts as (
    select
        'chat:' || conversation_id as contact_id,
        'chat' as source,  -- noqa: RF04
        conversation_id as source_id,
        channel,
        customer_id,
        agent_id,
        team_id,
        ticket_id,
        started_at,
        first_response_at,
        cast(first_response_seconds as {{ type_double() }}) as first_response_seconds,
        cast(null as {{ type_double() }}) as first_response_business_minutes,
        cast(handle_seconds as {{ type_double() }}) as handle_seconds,
        agent_messages_count as replies_count,
        cast(null as boolean) as is_abandoned,
        cast(null as boolean) as is_solved,
        cast(null as boolean) as is_one_touch_resolution
    from chats
),

call_contacts as (
    select
        'call:' || call_id as contact_id,
        'call' as source,  -- noqa: RF04
        call_id as source_id,
        'phone' as channel,
        customer_id,
        agent_id,
        team_id,
        ticket_id,
        queued_at as started_at,
        answered_at as first_response_at,
        cast(
            {{ seconds_between('queued_at', 'answered_at') }} as {{ type_double() }}
        ) as first_response_seconds,
        cast(null as {{ type_double() }}) as first_response_business_minutes,
        case
            when answered_at is not null and ended_at >= answered_at
                then cast(
                    {{ seconds_between('answered_at', 'ended_at') }}
                    + coalesce(wrap_up_seconds, 0) as {{ type_double() }}
                )
        end as handle_seconds,
        cast(null as bigint) as replies_count,
        answered_at is null as is_abandoned,
        cast(null as boolean) as is_solved,
        cast(null as boolean) as is_one_touch_resolution
    from calls
    where direction != 'outbound'
),

unioned as (
    select * from ticket_contacts
    union all
    select * from chat_contacts
    union all
    select * from call_contacts
),

stamped as (
    select
        *,
        {{ refreshed_at() }} as _refreshed_at
    from unioned
)

select * from stamped
