{%- set refresh = {
    'key': 'ticket_id',
    'upstream': [
        ['int_tickets_joined_to_schedules', 'ticket_id'],
        ['stg_landing__ticket_events', 'ticket_id'],
    ],
    'earlier_versions': ['ticket_events'],
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

reply_keyed as (
    -- A turn and the agent comment that answers it share a key: the turn's count of agent
    -- comments before it, plus one, is the number of its reply. Between two agent comments the
    -- customer's comments are consecutive, so each key holds at most one turn and one reply, and
    -- an aggregation pairs them: no self-join, and `sequenced` is read once (read twice, DuckDB
    -- keeps it whole in memory; at 5M tickets the model then ran out of a 2.5GB memory_limit).
    select
        ticket_id,
        event_id,
        actor_id,
        created_at,
        is_agent,
        is_customer and not coalesce(previous_is_customer, false) as is_turn_start,
        case
            when is_agent then agent_comments_so_far
            else agent_comments_so_far + 1
        end as reply_number
    from sequenced
    where is_agent or (is_customer and not coalesce(previous_is_customer, false))
),

turns_with_replies as (
    select
        ticket_id,
        reply_number,
        max(case when is_turn_start then event_id end) as turn_event_id,
        max(case when is_turn_start then created_at end) as turn_started_at,
        max(case when is_agent then event_id end) as reply_event_id,
        max(case when is_agent then actor_id end) as agent_id,
        max(case when is_agent then created_at end) as replied_at
    from reply_keyed
    group by 1, 2
),

turns as (
    select
        *,
        row_number() over (
            partition by ticket_id order by reply_number
        ) as turn_number
    from turns_with_replies
    where turn_event_id is not null
),

paired as (
    select
        turns.ticket_id,
        turns.turn_number,
        turns.turn_event_id,
        turns.reply_event_id,
        turns.agent_id,
        tickets.schedule_id,
        tickets.is_solved,
        turns.turn_started_at,
        turns.replied_at,
        turns.reply_event_id is not null as is_answered
    from turns
    inner join tickets
        on turns.ticket_id = tickets.ticket_id
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
