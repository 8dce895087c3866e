{#- A view, read by the ticket models, each with its own filter. Comments and other events are
    classified in two branches, so that a reader of comments only (or of other events only)
    skips the other branch, and only comments look up the opening comment of their ticket.
    No branch joins the whole tickets table: readers that must drop the events of unknown tickets
    join their tickets anyway (a join here would cost every reader about 0.5 s per million
    events, paid again by each of them). -#}
with

events as {{ inline_cte() }} (
    select * from {{ ref('stg_landing__ticket_events') }}
),

tickets as {{ inline_cte() }} (
    select * from {{ ref('stg_landing__tickets') }}
),

agent_ticket_public_comments as (
    -- Only a ticket created by an agent (a few percent of tickets) can have an opening comment,
    -- so only their public comments are ordered.
    select
        events.ticket_id,
        events.event_id,
        row_number() over (
            partition by events.ticket_id
            order by events.created_at, events.event_id
        ) as public_comment_number
    from events
    inner join tickets
        on events.ticket_id = tickets.ticket_id
    where
        events.event_type = 'comment'
        and events.is_public
        and tickets.created_by_role = 'agent'
),

first_public_comments as (
    select
        ticket_id,
        event_id
    from agent_ticket_public_comments
    where public_comment_number = 1
),

comments_classified as (
    select
        events.event_id,
        events.ticket_id,
        events.actor_id,
        events.actor_role,
        events.event_type,
        events.is_public,
        events.from_value,
        events.to_value,
        events.macro_id,
        events.created_at,
        events._file_id,
        false as is_solve,
        false as is_reopen,
        false as is_assignment,
        coalesce(
            events.event_id = first_public_comments.event_id and events.actor_role = 'agent',
            false
        ) as is_agent_opening_comment,
        {{ public_comment_by('customer', 'events') }} as is_public_customer_comment,
        coalesce(not events.is_public, false) as is_internal_note
    from events
    left join first_public_comments
        on events.ticket_id = first_public_comments.ticket_id
    where events.event_type = 'comment'
),

comments_replies_flagged as (
    -- The columns in the order of other_events_classified (UNION ALL matches them by position).
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
        _file_id,
        is_agent_opening_comment,
        is_public_customer_comment,
        is_internal_note,
        is_solve,
        is_reopen,
        is_assignment,
        {{ public_comment_by('agent') }} and not is_agent_opening_comment
            as is_public_agent_reply
    from comments_classified
),

other_events_classified as (
    select
        events.event_id,
        events.ticket_id,
        events.actor_id,
        events.actor_role,
        events.event_type,
        events.is_public,
        events.from_value,
        events.to_value,
        events.macro_id,
        events.created_at,
        events._file_id,
        false as is_agent_opening_comment,
        false as is_public_customer_comment,
        false as is_internal_note,
        coalesce(
            events.event_type = 'status_change'
            and (
                events.to_value = 'solved'
                or (events.to_value = 'closed' and coalesce(events.from_value, '') != 'solved')
            ),
            false
        ) as is_solve,
        coalesce(
            events.event_type = 'status_change'
            and events.from_value = 'solved'
            and events.to_value in ('new', 'open', 'pending', 'on_hold'),
            false
        ) as is_reopen,
        coalesce(events.event_type = 'assignment', false) as is_assignment,
        false as is_public_agent_reply
    from events
    where events.event_type != 'comment' or events.event_type is null
),

classified as (
    select * from comments_replies_flagged
    union all
    select * from other_events_classified
)

select * from classified
