{#- Ticket event definitions shared by more than one model. -#}

{#- A public comment by `role` (customer or agent): true or false, never NULL. `relation` optionally
    qualifies the event columns (event_type, is_public, actor_role). It is the one definition behind
    int_ticket_events_classified's is_public_customer_comment and public agent replies and behind
    the conversation of int_ticket_reply_turns_paired, which reads the staged events to skip the
    view's opening-comment lookup. -#}
{% macro public_comment_by(role, relation=none) -%}
    {%- set col = (relation ~ '.') if relation else '' -%}
    coalesce(
        {{ col }}event_type = 'comment'
        and {{ col }}is_public
        and {{ col }}actor_role = '{{ role }}',
        false
    )
{%- endmacro %}

{#- A solve: a status change to solved, or to closed from any status other than solved. -#}
{% macro is_solve_event(relation=none) -%}
    {%- set col = (relation ~ '.') if relation else '' -%}
    coalesce(
        {{ col }}event_type = 'status_change'
        and (
            {{ col }}to_value = 'solved'
            or ({{ col }}to_value = 'closed' and coalesce({{ col }}from_value, '') != 'solved')
        ),
        false
    )
{%- endmacro %}

{#- A reopen: a status change from solved to new, open, pending or on_hold. -#}
{% macro is_reopen_event(relation=none) -%}
    {%- set col = (relation ~ '.') if relation else '' -%}
    coalesce(
        {{ col }}event_type = 'status_change'
        and {{ col }}from_value = 'solved'
        and {{ col }}to_value in ('new', 'open', 'pending', 'on_hold'),
        false
    )
{%- endmacro %}

{#- The classified ticket events (int_ticket_events_classified's columns) of `events` (staged
    ticket events) and `tickets` (staged tickets, for who created each ticket): a complete select
    statement, for use inside a CTE. The view int_ticket_events_classified applies it to every
    event; int_ticket_events_aggregated_to_tickets to the events of the tickets it refreshes, so
    an incremental run reads only those (a filter on the view's output is not pushed below its
    window).

    Comments and other events are classified in two branches, so that a reader of comments only
    (or of other events only) skips the other branch, and only comments look up the opening
    comment of their ticket. Only a ticket created by an agent (a few percent of tickets) can
    have an opening comment, so only their public comments are ordered. No branch joins the
    whole tickets table: readers that must drop the events of unknown tickets join their tickets
    anyway. -#}
{% macro classified_ticket_events(events, tickets) -%}
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
        coalesce(
            events.event_id = opening_comments.event_id and events.actor_role = 'agent', false
        ) as is_agent_opening_comment,
        {{ public_comment_by('customer', 'events') }} as is_public_customer_comment,
        coalesce(not events.is_public, false) as is_internal_note,
        false as is_solve,
        false as is_reopen,
        false as is_assignment,
        {{ public_comment_by('agent', 'events') }}
        and not coalesce(
            events.event_id = opening_comments.event_id and events.actor_role = 'agent', false
        ) as is_public_agent_reply
    from {{ events }} as events
    left join (
        -- the first public comment of each agent-created ticket
        select
            ticket_id,
            event_id
        from (
            select
                agent_events.ticket_id,
                agent_events.event_id,
                row_number() over (
                    partition by agent_events.ticket_id
                    order by agent_events.created_at, agent_events.event_id
                ) as public_comment_number
            from {{ events }} as agent_events
            inner join {{ tickets }} as agent_tickets
                on agent_events.ticket_id = agent_tickets.ticket_id
            where
                agent_events.event_type = 'comment'
                and agent_events.is_public
                and agent_tickets.created_by_role = 'agent'
        ) as agent_ticket_public_comments
        where public_comment_number = 1
    ) as opening_comments
        on events.ticket_id = opening_comments.ticket_id
    where events.event_type = 'comment'

    union all

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
        false as is_agent_opening_comment,
        false as is_public_customer_comment,
        false as is_internal_note,
        {{ is_solve_event() }} as is_solve,
        {{ is_reopen_event() }} as is_reopen,
        coalesce(event_type = 'assignment', false) as is_assignment,
        false as is_public_agent_reply
    from {{ events }}
    where event_type != 'comment' or event_type is null
{%- endmacro %}

{#- kpi_support_daily's spine: one row per day (date_day), channel and team (team_id,
    'unassigned' for none), every day from the first to the last day a ticket was created or
    solved (a ticket solved or closed now, on its latest solve) for every channel and team pair
    a ticket has. `tickets` is a relation or CTE with fct_tickets' columns. -#}
{% macro support_daily_spine(tickets) -%}
    {%- set activity_days -%}
        (
            select {{ reporting_date('created_at') }} as activity_date from {{ tickets }}
            union all
            select {{ reporting_date('last_solved_at') }} as activity_date from {{ tickets }}
            where is_solved and last_solved_at is not null
        ) as activity_days
    {%- endset -%}
    select
        days.date_day,
        slices.channel,
        slices.team_id
    from (
        {{ day_series(
            '(select min(activity_date) from ' ~ activity_days ~ ')',
            '(select max(activity_date) from ' ~ activity_days ~ ')',
        ) }}
    ) as days
    cross join (
        select distinct
            channel,
            coalesce(team_id, 'unassigned') as team_id
        from {{ tickets }}
    ) as slices
{%- endmacro %}

{#- An instant that may not precede `start`: earlier is `start`, NULL stays NULL. -#}
{% macro not_before(instant, start) -%}
    case when {{ instant }} < {{ start }} then {{ start }} else {{ instant }} end
{%- endmacro %}
