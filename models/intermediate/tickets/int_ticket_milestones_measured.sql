{#- `earlier_versions` (macros/refresh_scope.sql): a ticket whose events were re-delivered under
    another ticket may have no event counts or reply turns left: an upstream key that loses all
    its rows writes no row to see, so the parents named by earlier versions of the records
    staged since are in scope here too. -#}
{%- set refresh = {
    'key': 'ticket_id',
    'upstream': [
        ['int_tickets_joined_to_schedules', 'ticket_id'],
        ['int_ticket_events_aggregated_to_tickets', 'ticket_id'],
        ['int_ticket_reply_turns_paired', 'ticket_id'],
    ],
    'earlier_versions': ['ticket_events'],
    'changed': ['schedule'],
} -%}
{{ refreshed_by_scope(refresh) }}
with

tickets as (
    select * from {{ ref('int_tickets_joined_to_schedules') }}
    where {{ in_refresh_scope(refresh) }}
),

activity as (
    -- the join with the tickets in scope below keeps only theirs
    select * from {{ ref('int_ticket_events_aggregated_to_tickets') }}
),

turns as (
    select * from {{ ref('int_ticket_reply_turns_paired') }}
    where {{ in_refresh_scope(refresh) }}
),

tickets_estimated as (
    -- The solve time of a solved ticket without solve events: its updated_at, unless that
    -- precedes its creation (then none can be estimated).
    select
        *,
        case
            when is_solved and updated_at >= created_at then updated_at
        end as estimated_solved_at
    from tickets
),

turn_counts as (
    select
        ticket_id,
        count(*) as customer_turns_count,
        count(case when not is_answered then 1 end) as unanswered_turns_count
    from turns
    group by 1
),

milestones as (
    -- A ticket's clock starts at its creation: a reply or solve recorded before it (an imported
    -- thread, another system's clock) counts at the creation, as the status periods do, and a
    -- solved ticket without solve events whose updated_at precedes its creation has no
    -- estimable solve time (NULL, like one without updated_at). has_activity_before_creation
    -- says so; a warning check counts such tickets.
    select
        tickets_estimated.ticket_id,
        tickets_estimated.schedule_id,
        tickets_estimated.is_solved,
        tickets_estimated.created_at,
        {{ not_before('activity.first_response_at', 'tickets_estimated.created_at') }}
            as first_response_at,
        activity.first_response_event_id,
        coalesce(
            {{ not_before('activity.first_solved_at', 'tickets_estimated.created_at') }},
            tickets_estimated.estimated_solved_at
        ) as first_solved_at,
        coalesce(
            {{ not_before('activity.last_solved_at', 'tickets_estimated.created_at') }},
            tickets_estimated.estimated_solved_at
        ) as last_solved_at,
        coalesce(activity.last_solved_at is null and tickets_estimated.is_solved, false)
            as is_solved_at_estimated,
        coalesce(
            activity.first_response_at < tickets_estimated.created_at
            or activity.first_solved_at < tickets_estimated.created_at
            or (
                activity.last_solved_at is null
                and tickets_estimated.is_solved
                and tickets_estimated.updated_at < tickets_estimated.created_at
            ),
            false
        ) as has_activity_before_creation,
        coalesce(activity.agent_replies_count, 0) as agent_replies_count,
        coalesce(activity.customer_comments_count, 0) as customer_comments_count,
        coalesce(activity.internal_notes_count, 0) as internal_notes_count,
        coalesce(activity.reopens_count, 0) as reopens_count,
        coalesce(activity.assignee_changes_count, 0) as assignee_changes_count,
        coalesce(activity.events_count, 0) as events_count,
        coalesce(turn_counts.customer_turns_count, 0) as customer_turns_count,
        case
            when not tickets_estimated.is_solved
                then coalesce(turn_counts.unanswered_turns_count, 0)
            else 0
        end as unanswered_turns_count
    from tickets_estimated
    left join activity
        on tickets_estimated.ticket_id = activity.ticket_id
    left join turn_counts
        on tickets_estimated.ticket_id = turn_counts.ticket_id
),

spans as (
    -- Only the instants go through the four clock joins (each sorts every row it carries).
    select
        ticket_id,
        schedule_id,
        created_at,
        first_response_at,
        first_solved_at,
        last_solved_at
    from milestones
),

created_clock as (
    {{ business_clock('spans', 'schedule_id', 'created_at', 'created_clock_seconds') }}
),

response_clock as (
    {{ business_clock(
        'created_clock', 'schedule_id', 'first_response_at', 'response_clock_seconds'
    ) }}
),

first_solved_clock as (
    {{ business_clock(
        'response_clock', 'schedule_id', 'first_solved_at', 'first_solved_clock_seconds'
    ) }}
),

last_solved_clock as (
    {{ business_clock(
        'first_solved_clock', 'schedule_id', 'last_solved_at', 'last_solved_clock_seconds'
    ) }}
),

business_minutes as (
    select
        ticket_id,
        created_clock_seconds,
        (response_clock_seconds - created_clock_seconds) / 60.0
            as first_response_business_minutes,
        (first_solved_clock_seconds - created_clock_seconds) / 60.0
            as first_resolution_business_minutes,
        (last_solved_clock_seconds - created_clock_seconds) / 60.0
            as last_resolution_business_minutes
    from last_solved_clock
),

measured as (
    select
        milestones.ticket_id,
        milestones.schedule_id,
        milestones.is_solved,
        milestones.is_solved_at_estimated,
        milestones.has_activity_before_creation,
        milestones.agent_replies_count,
        milestones.customer_comments_count,
        milestones.internal_notes_count,
        milestones.reopens_count,
        milestones.assignee_changes_count,
        milestones.events_count,
        milestones.customer_turns_count,
        milestones.unanswered_turns_count,
        milestones.is_solved
        and milestones.agent_replies_count = 1
        and milestones.reopens_count = 0 as is_one_touch_resolution,
        milestones.is_solved
        and milestones.agent_replies_count = 2
        and milestones.reopens_count = 0 as is_two_touch_resolution,
        milestones.created_at,
        milestones.first_response_at,
        milestones.first_response_event_id,
        milestones.first_solved_at,
        milestones.last_solved_at,
        business_minutes.created_clock_seconds,
        {{ minutes_between('milestones.created_at', 'milestones.first_response_at') }}
            as first_response_minutes,
        business_minutes.first_response_business_minutes,
        {{ minutes_between('milestones.created_at', 'milestones.first_solved_at') }}
            as first_resolution_minutes,
        business_minutes.first_resolution_business_minutes,
        case
            when milestones.is_solved
                then {{ minutes_between('milestones.created_at', 'milestones.last_solved_at') }}
        end as full_resolution_minutes,
        case
            when milestones.is_solved then business_minutes.last_resolution_business_minutes
        end as full_resolution_business_minutes,
        {{ refreshed_at() }} as _refreshed_at
    from milestones
    inner join business_minutes
        on milestones.ticket_id = business_minutes.ticket_id
)

select * from measured
