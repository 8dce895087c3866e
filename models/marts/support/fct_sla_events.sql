with

sla_targets as (
    select * from {{ ref('int_ticket_sla_targets_evaluated') }}
),

tickets as (
    select * from {{ ref('int_tickets_joined_to_schedules') }}
),

joined as (
    select
        sla_targets.sla_event_id,
        sla_targets.ticket_id,
        sla_targets.sla_metric,
        sla_targets.turn_number,
        tickets.channel,
        tickets.team_id,
        sla_targets.priority,
        sla_targets.schedule_id,
        sla_targets.target_minutes,
        sla_targets.uses_business_hours,
        sla_targets.elapsed_minutes,
        sla_targets.is_achieved,
        sla_targets.is_breached,
        sla_targets.started_at,
        sla_targets.breach_at,
        sla_targets.achieved_at
    from sla_targets
    inner join tickets
        on sla_targets.ticket_id = tickets.ticket_id
)

select * from joined
