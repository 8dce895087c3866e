{#- A target not achieved yet has a running clock (elapsed_minutes grows, the breach may still
    come): an incremental run recomputes its ticket (macros/refresh_scope.sql), as it does a
    ticket with a target that starts after the last run's as-of instant (`not_started`: its
    creation or a customer turn delivered with a later time). The rows it replaces go to
    int_sla_event_versions_replaced, for the KPI rollups by period. -#}
{%- set refresh = {
    'key': 'ticket_id',
    'keep_replaced': 'int_sla_event_versions_replaced',
    'upstream': [
        ['int_tickets_joined_to_schedules', 'ticket_id'],
        ['int_ticket_milestones_measured', 'ticket_id'],
        ['int_ticket_reply_turns_paired', 'ticket_id'],
    ],
    'running_clock': 'not is_achieved',
    'not_started': {
        'stored': 'started_at',
        'upstream': [
            ['int_ticket_milestones_measured', 'ticket_id', 'created_at'],
            ['int_ticket_reply_turns_paired', 'ticket_id', 'turn_started_at'],
        ],
    },
} -%}
{{ refreshed_by_scope(refresh) }}
with

milestones as (
    select * from {{ ref('int_ticket_milestones_measured') }}
    where {{ in_refresh_scope(refresh) }}
),

tickets as (
    select * from {{ ref('int_tickets_joined_to_schedules') }}
    where {{ in_refresh_scope(refresh) }}
),

turns as (
    select * from {{ ref('int_ticket_reply_turns_paired') }}
    where {{ in_refresh_scope(refresh) }}
),

policies as (
    select * from {{ ref('sla_policies') }}
),

-- The steps of int_ticket_sla_targets_evaluated (macros/sla_targets.sql), applied to the tickets
-- in scope only: a filter on the view's rows could not pass its unions and windows.
{{ sla_target_steps('milestones', 'tickets', 'turns', 'policies') }},

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
        achieved_at,
        {{ refreshed_at() }} as _refreshed_at
    from flagged
)

select * from final
