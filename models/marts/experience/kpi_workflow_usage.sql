{%- set event_month = reporting_month('created_at') %}
{#- Incremental per month (macros/refresh_scope.sql): a month is recomputed when an event of it
    was staged since, when an earlier version of an event staged since was in it
    (`earlier_versions`: a re-delivered event may have moved to another month), and when a
    macro applied in it was re-delivered (its title or kind). -#}
{%- set refresh = {
    'key': 'date_month',
    'upstream': [
        ['stg_landing__ticket_events', event_month],
    ],
    'earlier_versions': [['ticket_events', event_month]],
    'changed': ['macro_months'],
} -%}
{{ refreshed_by_scope(refresh) }}

with

events as (
    select * from {{ ref('stg_landing__ticket_events') }}
    where {{ in_refresh_scope(refresh, key=event_month) }}
),

macros as (
    select * from {{ ref('stg_landing__macros') }}
),

dated_events as (
    select
        ticket_id,
        event_type,
        macro_id,
        {{ event_month }} as date_month
    from events
),

month_tickets as (
    -- The month's tickets: tickets with at least one event (any type) in the month.
    select
        date_month,
        count(distinct ticket_id) as active_tickets
    from dated_events
    group by 1
),

applications as (
    select
        dated_events.date_month,
        dated_events.ticket_id,
        coalesce(dated_events.macro_id, 'unknown') as macro_id,
        coalesce(macros.title, 'unknown') as macro_title,
        coalesce(macros.kind, 'unknown') as macro_kind
    from dated_events
    left join macros
        on dated_events.macro_id = macros.macro_id
    where dated_events.event_type in ('macro_applied', 'automation')
),

usage as (
    select
        date_month,
        macro_id,
        macro_title,
        macro_kind,
        count(*) as applications,
        count(distinct ticket_id) as tickets_touched
    from applications
    group by 1, 2, 3, 4
),

ranked as (
    select
        usage.date_month,
        usage.macro_id,
        usage.macro_title,
        usage.macro_kind,
        usage.applications,
        usage.tickets_touched,
        month_tickets.active_tickets as month_active_tickets,
        100.0 * cast(usage.tickets_touched as {{ type_double() }})
        / nullif(month_tickets.active_tickets, 0) as share_of_month_tickets_pct,
        rank() over (
            partition by usage.date_month
            order by usage.applications desc
        ) as usage_rank,
        {{ refreshed_at() }} as _refreshed_at
    from usage
    inner join month_tickets
        on usage.date_month = month_tickets.date_month
)

select * from ranked
