{%- set refresh = {
    'key': 'ticket_id',
    'upstream': [
        ['int_tickets_joined_to_schedules', 'ticket_id'],
        ['stg_landing__ticket_events', 'ticket_id'],
    ],
    'changed': ['schedule'],
} -%}
{{ refreshed_by_scope(refresh) }}
with

events as (
    select * from {{ ref('stg_landing__ticket_events') }}
    where {{ in_refresh_scope(refresh) }}
),

tickets as (
    select * from {{ ref('int_tickets_joined_to_schedules') }}
    where {{ in_refresh_scope(refresh) }}
),

conversation as (
    -- The public comments of customers and agents, read from the staged events rather than from
    -- int_ticket_events_classified: the sequence needs every public agent comment, opening
    -- comments of agent-created tickets included (no customer comment precedes one, so it is
    -- never a turn's reply), and the classified view would look those up for nothing (DuckDB
    -- keeps an unused left join: about 0.9 s per million tickets). Events of unknown tickets drop
    -- out at the join with tickets below, after the turns have narrowed the rows.
    select
        ticket_id,
        event_id,
        actor_id,
        created_at,
        {{ public_comment_by('customer') }} as is_customer,
        {{ public_comment_by('agent') }} as is_agent
    from events
    where
        -- The comment filter on its own is pushed down into the scan of the staged events.
        event_type = 'comment'
        and ({{ public_comment_by('customer') }} or {{ public_comment_by('agent') }})
),

sequenced as (
    select
        *,
        lag(is_customer) over (
            partition by ticket_id order by created_at, event_id
        ) as previous_is_customer,
        sum(case when is_agent then 1 else 0 end) over (
            partition by ticket_id
            order by created_at, event_id
            rows between unbounded preceding and current row
        ) as agent_comments_so_far
    from conversation
),

turns as (
    select
        ticket_id,
        event_id as turn_event_id,
        created_at as turn_started_at,
        agent_comments_so_far as agent_comments_before,
        row_number() over (
            partition by ticket_id order by created_at, event_id
        ) as turn_number
    from sequenced
    where is_customer and not coalesce(previous_is_customer, false)
),

agent_comments as (
    select
        ticket_id,
        event_id,
        actor_id,
        created_at,
        agent_comments_so_far as agent_comment_number
    from sequenced
    where is_agent
),

paired as (
    select
        turns.ticket_id,
        turns.turn_number,
        turns.turn_event_id,
        agent_comments.event_id as reply_event_id,
        agent_comments.actor_id as agent_id,
        tickets.schedule_id,
        tickets.is_solved,
        turns.turn_started_at,
        agent_comments.created_at as replied_at,
        agent_comments.event_id is not null as is_answered
    from turns
    inner join tickets
        on turns.ticket_id = tickets.ticket_id
    left join agent_comments
        on
            turns.ticket_id = agent_comments.ticket_id
            and agent_comments.agent_comment_number = turns.agent_comments_before + 1
),

turn_clock as (
    {{ business_clock('paired', 'schedule_id', 'turn_started_at', 'turn_clock_seconds') }}
),

reply_clock as (
    {{ business_clock('turn_clock', 'schedule_id', 'replied_at', 'reply_clock_seconds') }}
),

measured as (
    select
        ticket_id,
        turn_number,
        turn_event_id,
        reply_event_id,
        agent_id,
        schedule_id,
        is_solved,
        is_answered,
        turn_started_at,
        replied_at,
        turn_clock_seconds,
        {{ minutes_between('turn_started_at', 'replied_at') }} as reply_minutes,
        (reply_clock_seconds - turn_clock_seconds) / 60.0 as reply_business_minutes,
        {{ refreshed_at() }} as _refreshed_at
    from reply_clock
)

select * from measured
