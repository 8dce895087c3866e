with

tickets as (
    select * from {{ ref('stg_landing__tickets') }}
),

teams as (
    select * from {{ ref('stg_landing__teams') }}
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
        tickets.created_by_role,
        coalesce(teams.schedule_id, '{{ var("default_schedule_id") }}') as schedule_id,
        tickets.status in ('solved', 'closed') as is_solved,
        tickets.created_at,
        tickets.updated_at,
        tickets._file_id,
        tickets._refreshed_at
    from tickets
    left join teams
        on tickets.team_id = teams.team_id
)

select * from joined
