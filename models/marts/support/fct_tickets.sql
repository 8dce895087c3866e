{#- Incremental (macros/refresh_scope.sql): a ticket is recomputed when its staged row or one of
    its measured rows (milestones, status times, SLA targets) was written since this model's last
    build, or when a customer, agent or team attribute copied into its row changed. The rows it
    replaces go to int_ticket_versions_replaced, for the KPI rollups by period. -#}
{%- set refresh = {
    'key': 'ticket_id',
    'keep_replaced': 'int_ticket_versions_replaced',
    'upstream': [
        ['stg_landing__tickets', 'ticket_id'],
        ['int_ticket_milestones_measured', 'ticket_id'],
        ['int_ticket_status_periods_aggregated_to_tickets', 'ticket_id'],
        ['fct_sla_events', 'ticket_id'],
    ],
    'changed': ['dimensions'],
} -%}
{{ refreshed_by_scope(refresh) }}
with

tickets as (
    select * from {{ ref('stg_landing__tickets') }}
    where {{ in_refresh_scope(refresh) }}
),

milestones as (
    -- the inner join with the tickets in scope below keeps only theirs
    select * from {{ ref('int_ticket_milestones_measured') }}
),

status_times as (
    select * from {{ ref('int_ticket_status_periods_aggregated_to_tickets') }}
),

sla_events as (
    -- filtered before it is aggregated per ticket
    select * from {{ ref('fct_sla_events') }}
    where {{ in_refresh_scope(refresh) }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

agents as (
    select * from {{ ref('dim_agents') }}
),

teams as (
    select * from {{ ref('dim_teams') }}
),

sla_flags as (
    -- Per metric: breached if any target of that metric breached; NULL while all are undecided.
    select
        ticket_id,
        {%- for metric in ['first_response', 'next_response', 'resolution'] %}
            max(
                case
                    when sla_metric = '{{ metric }}'
                        then case when is_breached then 1 when not is_breached then 0 end
                end
            ) = 1 as is_{{ metric }}_sla_breached,
        {%- endfor %}
        count(*) as sla_targets_count
    from sla_events
    group by 1
),

joined as (
    select
        tickets.ticket_id,
        tickets.customer_id,
        tickets.assignee_id,
        tickets.team_id,
        tickets.channel,
        tickets.priority,
        tickets.status,
        tickets.ticket_type,
        tickets.category,
        tickets.tags,
        tickets.subject,
        tickets.created_by_role,
        milestones.schedule_id,
        milestones.is_solved,
        milestones.is_solved_at_estimated,
        milestones.has_activity_before_creation,
        tickets.created_at,
        tickets.updated_at,
        milestones.first_response_at,
        milestones.first_solved_at,
        milestones.last_solved_at,
        milestones.first_response_minutes,
        milestones.first_response_business_minutes,
        milestones.first_resolution_minutes,
        milestones.first_resolution_business_minutes,
        milestones.full_resolution_minutes,
        milestones.full_resolution_business_minutes,
        milestones.reopens_count,
        milestones.agent_replies_count,
        milestones.customer_comments_count,
        milestones.internal_notes_count,
        milestones.assignee_changes_count,
        milestones.customer_turns_count,
        milestones.unanswered_turns_count,
        milestones.events_count,
        milestones.is_one_touch_resolution,
        milestones.is_two_touch_resolution,
        status_times.requester_wait_minutes,
        status_times.requester_wait_business_minutes,
        status_times.agent_wait_minutes,
        status_times.agent_wait_business_minutes,
        status_times.on_hold_minutes,
        status_times.on_hold_business_minutes,
        status_times.agent_work_minutes,
        status_times.agent_work_business_minutes,
        sla_flags.is_first_response_sla_breached,
        sla_flags.is_next_response_sla_breached,
        sla_flags.is_resolution_sla_breached,
        coalesce(customers.segment, 'unknown') as customer_segment,
        coalesce(not customers.is_inferred, false) as has_known_customer,
        coalesce(not agents.is_inferred, tickets.assignee_id is null) as has_known_assignee,
        coalesce(not teams.is_inferred, tickets.team_id is null) as has_known_team,
        {{ refreshed_at() }} as _refreshed_at
    from tickets
    inner join milestones
        on tickets.ticket_id = milestones.ticket_id
    left join status_times
        on tickets.ticket_id = status_times.ticket_id
    left join sla_flags
        on tickets.ticket_id = sla_flags.ticket_id
    left join customers
        on tickets.customer_id = customers.customer_id
    left join agents
        on tickets.assignee_id = agents.agent_id
    left join teams
        on tickets.team_id = teams.team_id
)

select * from joined
