with

events as (
    select * from {{ ref('int_ticket_events_classified') }}
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
        count(*) as events_count
    from events
    group by 1
)

select * from aggregated
