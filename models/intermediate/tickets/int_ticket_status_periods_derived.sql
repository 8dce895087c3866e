{%- set unsolved = "('new', 'open', 'pending', 'on_hold')" -%}
{#- A ticket whose current period is in an unsolved status has a running clock: that period runs
    to the as-of instant, so an incremental run recomputes the ticket (macros/refresh_scope.sql).
    So has one whose current period ends after the as-of instant (an event delivered with a time
    past it: a pinned as_of, another system's clock): the next run, at a later instant, must
    start the period that change opens, also when the ticket rests in solved until then. A
    ticket created after the as-of instant has no period yet, hence no row to say so:
    `not_started` brings it back. -#}
{%- set refresh = {
    'key': 'ticket_id',
    'upstream': [
        ['int_tickets_joined_to_schedules', 'ticket_id'],
        ['stg_landing__ticket_events', 'ticket_id'],
    ],
    'earlier_versions': ['ticket_events'],
    'running_clock': 'is_current and (status in ' ~ unsolved ~ ' or has_change_after_as_of)',
    'not_started': {
        'stored': 'started_at',
        'upstream': [['int_tickets_joined_to_schedules', 'ticket_id', 'created_at']],
    },
    'changed': ['schedule'],
} -%}
{{ refreshed_by_scope(refresh) }}
with

events as (
    select * from {{ ref('stg_landing__ticket_events') }}
    where event_type = 'status_change' and {{ in_refresh_scope(refresh) }}
),

tickets as {{ scoped_cte() }} (
    select * from {{ ref('int_tickets_joined_to_schedules') }}
    where {{ in_refresh_scope(refresh) }}
),

status_changes as (
    -- The inner join keeps the events of known tickets only.
    select
        events.ticket_id,
        events.event_id,
        events.from_value,
        events.to_value,
        events.created_at as changed_at,
        {{ is_reopen_event('events') }} as is_reopen,
        tickets.schedule_id
    from events
    inner join tickets
        on events.ticket_id = tickets.ticket_id
),

-- Every period starts at a status change or at the ticket's creation and ends at the next change
-- (or the as-of instant): the business clock is read once per change, creation and schedule.
change_clock as (
    {{ business_clock('status_changes', 'schedule_id', 'changed_at', 'changed_clock_seconds') }}
),

created_clock as (
    {{ business_clock('tickets', 'schedule_id', 'created_at', 'created_clock_seconds') }}
),

schedules as (
    select distinct
        schedule_id,
        {{ as_of_timestamp() }} as as_of_at
    from tickets
),

as_of_clock as (
    {{ business_clock('schedules', 'schedule_id', 'as_of_at', 'as_of_clock_seconds') }}
),

changes as (
    select
        ticket_id,
        schedule_id,
        from_value,
        to_value,
        changed_at,
        changed_clock_seconds,
        is_reopen,
        row_number() over (
            partition by ticket_id order by changed_at, event_id
        ) as change_number,
        lead(changed_at) over (
            partition by ticket_id order by changed_at, event_id
        ) as next_changed_at,
        lead(changed_clock_seconds) over (
            partition by ticket_id order by changed_at, event_id
        ) as next_changed_clock_seconds
    from change_clock
),

initial_periods as (
    -- From creation to the first status change, in the status the change left (new if not given).
    -- A ticket with no status change at all is in its current status since creation, unless it is
    -- solved: then when it was solved is unknown and its status times stay NULL.
    select
        created_clock.ticket_id,
        0 as period_number,
        case
            when changes.ticket_id is not null then coalesce(changes.from_value, 'new')
            else created_clock.status
        end as status,
        created_clock.schedule_id,
        created_clock.created_at as started_at,
        changes.changed_at as ended_at,
        created_clock.created_clock_seconds as start_clock_seconds,
        changes.changed_clock_seconds as end_clock_seconds,
        false as is_reopen
    from created_clock
    left join changes
        on created_clock.ticket_id = changes.ticket_id and changes.change_number = 1
    where changes.ticket_id is not null or not created_clock.is_solved
),

change_periods as (
    select
        ticket_id,
        change_number as period_number,
        to_value as status,
        schedule_id,
        changed_at as started_at,
        next_changed_at as ended_at,
        changed_clock_seconds as start_clock_seconds,
        next_changed_clock_seconds as end_clock_seconds,
        is_reopen
    from changes
),

periods as (
    select * from initial_periods
    union all
    select * from change_periods
),

clipped as (
    -- A period in an unsolved status that has not ended by the as-of instant is current: its
    -- clock runs to that instant and never beyond. A ticket resting in solved or closed has no
    -- running clock: its current period has no end and no duration (so the stored periods of
    -- such a ticket do not change as the as-of instant moves on). A change at the as-of instant
    -- itself has happened (the period before it ended, as `ended_at > as-of` says), so the period
    -- it starts is current, with no time yet: left out, the ticket would have no current period,
    -- hence no running clock, and an incremental run would never give it its time (a ticket
    -- created at that instant likewise).
    select
        periods.ticket_id,
        periods.period_number,
        periods.status,
        periods.schedule_id,
        periods.ended_at is null or periods.ended_at > {{ as_of_timestamp() }} as is_current,
        coalesce(periods.ended_at > {{ as_of_timestamp() }}, false) as has_change_after_as_of,
        periods.started_at,
        case
            when periods.ended_at is null or periods.ended_at > {{ as_of_timestamp() }}
                then case when periods.status in {{ unsolved }} then {{ as_of_timestamp() }} end
            when periods.ended_at < periods.started_at then periods.started_at
            else periods.ended_at
        end as ended_at,
        periods.start_clock_seconds,
        case
            when periods.ended_at is null or periods.ended_at > {{ as_of_timestamp() }}
                then case
                    when periods.status in {{ unsolved }} then as_of_clock.as_of_clock_seconds
                end
            when periods.ended_at < periods.started_at then periods.start_clock_seconds
            else periods.end_clock_seconds
        end as end_clock_seconds,
        periods.is_reopen
    from periods
    left join as_of_clock
        on periods.schedule_id = as_of_clock.schedule_id
    where periods.started_at <= {{ as_of_timestamp() }}
),

measured as (
    select
        ticket_id,
        period_number,
        status,
        schedule_id,
        is_current,
        has_change_after_as_of,
        is_reopen,
        started_at,
        ended_at,
        {{ seconds_between('started_at', 'ended_at') }} as calendar_seconds,
        end_clock_seconds - start_clock_seconds as business_seconds,
        {{ refreshed_at() }} as _refreshed_at
    from clipped
)

select * from measured
