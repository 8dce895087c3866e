{%- set refresh = {
    'key': 'ticket_id',
    'upstream': [
        ['stg_landing__tickets', 'ticket_id'],
        ['stg_landing__ticket_events', 'ticket_id'],
    ],
    'earlier_versions': ['ticket_events'],
} -%}
{{ refreshed_by_scope(refresh) }}
with

staged_events as {{ scoped_cte() }} (
    -- the columns the classification reads (a materialized CTE keeps every column it selects)
    select
        event_id,
        ticket_id,
        actor_id,
        actor_role,
        event_type,
        is_public,
        from_value,
        to_value,
        macro_id,
        created_at,
        _file_id
    from {{ ref('stg_landing__ticket_events') }}
    where {{ in_refresh_scope(refresh) }}
),

tickets as {{ scoped_cte() }} (
    select
        ticket_id,
        created_by_role
    from {{ ref('stg_landing__tickets') }}
    where {{ in_refresh_scope(refresh) }}
),

events as {{ scoped_cte() }} (
    -- The classification of int_ticket_events_classified, applied to the events of the tickets
    -- in scope only (macros/ticket_helpers.sql).
    {{ classified_ticket_events('staged_events', 'tickets') }}
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

replies_sequenced as (
    select
        ticket_id,
        event_id,
        row_number() over (
            partition by ticket_id order by created_at, event_id
        ) as reply_number
    from events
    where is_public_agent_reply
),

first_replies as (
    -- The first public agent reply itself: the SLA targets tell the customer turn it answered
    -- from a turn that starts after it at the same instant (macros/sla_targets.sql).
    select
        ticket_id,
        event_id as first_response_event_id
    from replies_sequenced
    where reply_number = 1
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
),

joined as (
    select
        aggregated.*,
        first_replies.first_response_event_id,
        coalesce(assignee_changes.assignee_changes_count, 0) as assignee_changes_count,
        {{ refreshed_at() }} as _refreshed_at
    from aggregated
    left join first_replies
        on aggregated.ticket_id = first_replies.ticket_id
    left join assignee_changes
        on aggregated.ticket_id = assignee_changes.ticket_id
)

select * from joined
