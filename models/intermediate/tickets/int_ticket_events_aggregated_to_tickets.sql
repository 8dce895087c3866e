with

events as {{ inline_cte() }} (
    select * from {{ ref('int_ticket_events_classified') }}
),

assignments_sequenced as (
    select
        ticket_id,
        to_value,
        lag(to_value) over (
            partition by ticket_id order by created_at, event_id
        ) as previous_to_value
    from events
    where is_assignment
),

assignee_changes as (
    -- A change of assignee: an assignment to someone else than the previous assignment named.
    select
        ticket_id,
        count(*) as assignee_changes_count
    from assignments_sequenced
    where previous_to_value is not null and to_value != previous_to_value
    group by 1
),

aggregated as (
    select
        ticket_id,
        min(case when is_public_agent_reply then created_at end) as first_response_at,
        min(case when is_solve then created_at end) as first_solved_at,
        max(case when is_solve then created_at end) as last_solved_at,
        count(case when is_public_agent_reply then 1 end) as agent_replies_count,
        count(case when is_public_customer_comment then 1 end) as customer_comments_count,
        count(case when is_internal_note then 1 end) as internal_notes_count,
        count(case when is_reopen then 1 end) as reopens_count,
        count(case when is_assignment then 1 end) as assignments_count,
        count(*) as events_count,
        max(_file_id) as _last_event_file_id
    from events
    group by 1
),

joined as (
    select
        aggregated.*,
        coalesce(assignee_changes.assignee_changes_count, 0) as assignee_changes_count
    from aggregated
    left join assignee_changes
        on aggregated.ticket_id = assignee_changes.ticket_id
)

select * from joined
