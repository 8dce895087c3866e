{#- The SLA targets of tickets (the steps of int_ticket_sla_targets_evaluated, where the unit tests
    pin them), from the relations or CTEs of the tickets' milestones (int_ticket_milestones_measured),
    their rows joined to schedules (int_tickets_joined_to_schedules), their reply turns
    (int_ticket_reply_turns_paired) and the SLA policies (seeds/sla_policies.csv). These are CTE
    definitions, the last of them `flagged` (one row per target), to put in a WITH list.
    fct_sla_events applies them to the tickets in its refresh scope: a filter on the view's output
    could not pass its unions, windows and range joins, so every target of every ticket was
    computed to keep the few in scope. -#}
{% macro sla_target_steps(milestones, tickets, turns, policies) -%}
first_response_targets as (
    -- The first_response and resolution targets of a ticket both start at its creation, whose
    -- business clock reading the milestones model already holds.
    select
        ticket_id,
        'first_response' as sla_metric,
        0 as turn_number,
        schedule_id,
        created_at as started_at,
        created_clock_seconds as start_clock_seconds,
        first_response_at as achieved_at
    from {{ milestones }}
),

next_response_targets as (
    -- Every customer turn after the first response (the turn it answered is the first_response
    -- SLA), with the business clock reading of its start from the turns model. A turn that
    -- starts at the first response's instant (a date- or minute-precision export, a reply
    -- recorded before the ticket's creation and counted at it) follows it unless the first
    -- response is its own reply: the order of the conversation (time, then event id) decides,
    -- so one exchange is never both a first_response and a next_response target.
    select
        turns.ticket_id,
        'next_response' as sla_metric,
        turns.turn_number,
        turns.schedule_id,
        turns.turn_started_at as started_at,
        turns.turn_clock_seconds as start_clock_seconds,
        turns.replied_at as achieved_at
    from {{ turns }} as turns
    inner join {{ milestones }} as milestones
        on turns.ticket_id = milestones.ticket_id
    where
        turns.turn_started_at >= milestones.first_response_at
        and coalesce(turns.reply_event_id != milestones.first_response_event_id, true)
),

resolution_targets as (
    select
        ticket_id,
        'resolution' as sla_metric,
        0 as turn_number,
        schedule_id,
        created_at as started_at,
        created_clock_seconds as start_clock_seconds,
        case when is_solved then last_solved_at end as achieved_at
    from {{ milestones }}
),

targets as (
    select * from first_response_targets
    union all
    select * from next_response_targets
    union all
    select * from resolution_targets
),

with_policy as (
    select
        targets.ticket_id,
        targets.sla_metric,
        targets.turn_number,
        targets.schedule_id,
        tickets.channel,
        tickets.team_id,
        tickets.priority,
        policies.target_minutes,
        policies.uses_business_hours,
        targets.started_at,
        targets.start_clock_seconds,
        case
            when targets.achieved_at <= {{ as_of_timestamp() }} then targets.achieved_at
        end as achieved_at,
        case
            when targets.achieved_at <= {{ as_of_timestamp() }} then targets.achieved_at
            else {{ as_of_timestamp() }}
        end as measured_until
    from targets
    inner join {{ tickets }} as tickets
        on targets.ticket_id = tickets.ticket_id
    inner join {{ policies }} as policies
        on tickets.priority = policies.priority and targets.sla_metric = policies.metric
    where targets.started_at <= {{ as_of_timestamp() }}
),

until_clock as (
    {{ business_clock('with_policy', 'schedule_id', 'measured_until', 'until_clock_seconds') }}
),

business_deadlines as (
    {{ business_deadline(
        'until_clock', 'schedule_id', 'started_at', 'target_minutes * 60', 'business_breach_at',
        start_clock_column='start_clock_seconds'
    ) }}
),

evaluated as (
    select
        {{ dbt.concat([
            'ticket_id', "':'", 'sla_metric', "':'",
            'cast(turn_number as ' ~ dbt.type_string() ~ ')'
        ]) }} as sla_event_id,
        ticket_id,
        sla_metric,
        turn_number,
        schedule_id,
        channel,
        team_id,
        priority,
        target_minutes,
        uses_business_hours,
        started_at,
        achieved_at,
        case
            when uses_business_hours then business_breach_at
            else {{ dbt.dateadd('minute', 'target_minutes', 'started_at') }}
        end as breach_at,
        case
            when uses_business_hours then (until_clock_seconds - start_clock_seconds) / 60.0
            else {{ minutes_between('started_at', 'measured_until') }}
        end as elapsed_minutes,
        achieved_at is not null as is_achieved
    from business_deadlines
),

flagged as (
    select
        *,
        case
            when breach_at is null then null
            when is_achieved then achieved_at > breach_at
            when breach_at <= {{ as_of_timestamp() }} then true
        end as is_breached
    from evaluated
)
{%- endmacro %}
