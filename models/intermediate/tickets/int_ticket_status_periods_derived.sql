with

events as (
    select * from {{ ref('int_ticket_events_classified') }}
),

tickets as (
    select * from {{ ref('int_tickets_joined_to_schedules') }}
),

changes as (
    select
        ticket_id,
        event_id,
        from_value,
        to_value,
        created_at as changed_at,
        row_number() over (
            partition by ticket_id order by created_at, event_id
        ) as change_number,
        lead(created_at) over (
            partition by ticket_id order by created_at, event_id
        ) as next_changed_at
    from events
    where has_known_ticket and event_type = 'status_change'
),

initial_periods as (
    -- From creation to the first status change, in the status the change left (new if not given).
    -- A ticket with no status change at all is in its current status since creation, unless it is
    -- solved: then when it was solved is unknown and its status times stay NULL.
    select
        tickets.ticket_id,
        0 as period_number,
        case
            when changes.ticket_id is not null then coalesce(changes.from_value, 'new')
            else tickets.status
        end as status,
        tickets.created_at as started_at,
        changes.changed_at as ended_at
    from tickets
    left join changes
        on tickets.ticket_id = changes.ticket_id and changes.change_number = 1
    where changes.ticket_id is not null or not tickets.is_solved
),

change_periods as (
    select
        ticket_id,
        change_number as period_number,
        to_value as status,
        changed_at as started_at,
        next_changed_at as ended_at
    from changes
),

periods as (
    select * from initial_periods
    union all
    select * from change_periods
),

clipped as (
    -- Running clocks stop at the as-of instant, never beyond it.
    select
        periods.ticket_id,
        periods.period_number,
        periods.status,
        tickets.schedule_id,
        periods.ended_at is null as is_current,
        periods.started_at,
        case
            when periods.ended_at is null or periods.ended_at > {{ as_of_timestamp() }}
                then {{ as_of_timestamp() }}
            when periods.ended_at < periods.started_at then periods.started_at
            else periods.ended_at
        end as ended_at
    from periods
    inner join tickets
        on periods.ticket_id = tickets.ticket_id
    where periods.started_at < {{ as_of_timestamp() }}
),

start_clock as (
    {{ business_clock('clipped', 'schedule_id', 'started_at', 'start_clock_seconds') }}
),

end_clock as (
    {{ business_clock('start_clock', 'schedule_id', 'ended_at', 'end_clock_seconds') }}
),

measured as (
    select
        ticket_id,
        period_number,
        status,
        schedule_id,
        is_current,
        started_at,
        ended_at,
        {{ minutes_between('started_at', 'ended_at') }} as calendar_minutes,
        (end_clock_seconds - start_clock_seconds) / 60.0 as business_minutes
    from end_clock
)

select * from measured
