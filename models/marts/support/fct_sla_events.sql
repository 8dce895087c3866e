with

sla_targets as (
    select * from {{ ref('int_ticket_sla_targets_evaluated') }}
),

final as (
    -- The SLA targets are computed once, here (the intermediate model is a view); fct_tickets
    -- reads its per-ticket flags from this table.
    select
        sla_event_id,
        ticket_id,
        sla_metric,
        turn_number,
        channel,
        team_id,
        priority,
        schedule_id,
        target_minutes,
        uses_business_hours,
        elapsed_minutes,
        is_achieved,
        is_breached,
        started_at,
        breach_at,
        achieved_at
    from sla_targets
)

select * from final
