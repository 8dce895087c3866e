with

events as (
    select * from {{ ref('stg_landing__ticket_events') }}
),

tickets as (
    select * from {{ ref('stg_landing__tickets') }}
),

public_comments_ordered as (
    select
        events.event_id,
        row_number() over (
            partition by events.ticket_id
            order by events.created_at, events.event_id
        ) as public_comment_number
    from events
    where events.event_type = 'comment' and events.is_public
),

classified as (
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
        public_comments_ordered.public_comment_number,
        tickets.ticket_id is not null as has_known_ticket,
        coalesce(
            public_comments_ordered.public_comment_number = 1
            and tickets.created_by_role = 'agent'
            and events.actor_role = 'agent',
            false
        ) as is_agent_opening_comment,
        coalesce(
            events.event_type = 'comment'
            and events.is_public
            and events.actor_role = 'customer',
            false
        ) as is_public_customer_comment,
        coalesce(events.event_type = 'comment' and not events.is_public, false)
            as is_internal_note,
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
        coalesce(events.event_type = 'assignment', false) as is_assignment
    from events
    left join public_comments_ordered
        on events.event_id = public_comments_ordered.event_id
    left join tickets
        on events.ticket_id = tickets.ticket_id
),

replies_flagged as (
    select
        *,
        coalesce(
            event_type = 'comment'
            and is_public
            and actor_role = 'agent'
            and not is_agent_opening_comment,
            false
        ) as is_public_agent_reply
    from classified
)

select * from replies_flagged
