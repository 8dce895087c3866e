with

tickets as (
    select * from {{ ref('stg_landing__tickets') }}
),

ticket_activity as (
    select * from {{ ref('int_ticket_events_aggregated_to_tickets') }}
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
        coalesce(customers.segment, 'unknown') as customer_segment,
        coalesce(
            teams.effective_schedule_id, '{{ var("default_schedule_id") }}'
        ) as schedule_id,
        coalesce(not customers.is_inferred, false) as has_known_customer,
        coalesce(not agents.is_inferred, tickets.assignee_id is null) as has_known_assignee,
        coalesce(not teams.is_inferred, tickets.team_id is null) as has_known_team,
        tickets.status in ('solved', 'closed') as is_solved,
        tickets.created_at,
        tickets.updated_at,
        ticket_activity.first_response_at,
        coalesce(
            ticket_activity.first_solved_at,
            case when tickets.status in ('solved', 'closed') then tickets.updated_at end
        ) as first_solved_at,
        coalesce(
            ticket_activity.last_solved_at,
            case when tickets.status in ('solved', 'closed') then tickets.updated_at end
        ) as last_solved_at,
        coalesce(
            ticket_activity.last_solved_at is null and tickets.status in ('solved', 'closed'),
            false
        ) as is_solved_at_estimated,
        coalesce(ticket_activity.agent_replies_count, 0) as agent_replies_count,
        coalesce(ticket_activity.customer_comments_count, 0) as customer_comments_count,
        coalesce(ticket_activity.internal_notes_count, 0) as internal_notes_count,
        coalesce(ticket_activity.reopens_count, 0) as reopens_count,
        coalesce(ticket_activity.events_count, 0) as events_count
    from tickets
    left join ticket_activity
        on tickets.ticket_id = ticket_activity.ticket_id
    left join customers
        on tickets.customer_id = customers.customer_id
    left join agents
        on tickets.assignee_id = agents.agent_id
    left join teams
        on tickets.team_id = teams.team_id
),

durations as (
    select
        *,
        {{ minutes_between('created_at', 'first_response_at') }} as first_response_minutes,
        {{ minutes_between('created_at', 'first_solved_at') }} as first_resolution_minutes,
        case
            when is_solved then {{ minutes_between('created_at', 'last_solved_at') }}
        end as full_resolution_minutes
    from joined
)

select * from durations
