{%- set started_week = week_start('started_date') %}
{#- Incremental per week (macros/refresh_scope.sql): a week is recomputed when a contact of it
    was written since, when a contact that was in it was replaced (int_contact_versions_replaced:
    it may have left the week or the segment), and when the SLA targets of one of its tickets
    were written or replaced since (int_sla_event_versions_replaced: a target settled, changed or
    went away; check `ticket_sla_weeks`). -#}
{%- set refresh = {
    'key': 'week_start_date',
    'upstream': [
        ['fct_contacts', started_week],
        ['int_contact_versions_replaced', started_week],
    ],
    'changed': ['ticket_sla_weeks', 'stale_watermark'],
} -%}
{{ refreshed_by_scope(refresh) }}

with

contacts as (
    select * from {{ ref('fct_contacts') }}
    where {{ in_refresh_scope(refresh, key=started_week) }}
),

sla_events as (
    select * from {{ ref('fct_sla_events') }}
),

contacts_weekly as (
    select
        {{ started_week }} as week_start_date,
        segment,
        source,
        contact_id,
        -- Tickets in business minutes of their schedule, chats and calls in calendar minutes.
        case
            when source = 'ticket' then first_response_business_minutes
            else first_response_seconds / 60.0
        end as first_response_minutes
    from contacts
),

sla_weekly as (
    select
        contacts_weekly.week_start_date,
        contacts_weekly.segment,
        contacts_weekly.source,
        count(case when sla_events.is_breached is not null then 1 end)
            as sla_targets_settled,
        count(case when not sla_events.is_breached then 1 end)
            as sla_targets_met,
        count(
            case
                when
                    sla_events.sla_metric = 'first_response'
                    and sla_events.is_breached is not null
                    then 1
            end
        ) as first_response_sla_settled,
        count(
            case
                when
                    sla_events.sla_metric = 'first_response'
                    and not sla_events.is_breached
                    then 1
            end
        ) as first_response_sla_met
    from sla_events
    inner join contacts_weekly
        on 'ticket:' || sla_events.ticket_id = contacts_weekly.contact_id
    group by 1, 2, 3
),

response_weekly as (
    select
        week_start_date,
        segment,
        source,
        count(*) as contacts,
        count(first_response_minutes) as responded_contacts,
        percentile_cont(0.5) within group (order by first_response_minutes)
            as median_first_response_minutes,
        percentile_cont(0.9) within group (order by first_response_minutes)
            as p90_first_response_minutes
    from contacts_weekly
    group by 1, 2, 3
),

final as (
    select
        response_weekly.week_start_date,
        response_weekly.segment,
        response_weekly.source,
        response_weekly.contacts,
        response_weekly.responded_contacts,
        response_weekly.median_first_response_minutes,
        response_weekly.p90_first_response_minutes,
        sla_weekly.sla_targets_settled,
        sla_weekly.sla_targets_met,
        case
            when response_weekly.source = 'ticket' then 'business'
            else 'calendar'
        end as first_response_basis,
        cast(sla_weekly.sla_targets_met as {{ type_double() }})
        * 100.0 / nullif(sla_weekly.sla_targets_settled, 0) as sla_attainment_pct,
        cast(sla_weekly.first_response_sla_met as {{ type_double() }})
        * 100.0
        / nullif(sla_weekly.first_response_sla_settled, 0)
            as first_response_sla_attainment_pct,
        {{ refreshed_at() }} as _refreshed_at
    from response_weekly
    left join sla_weekly
        on
            response_weekly.week_start_date = sla_weekly.week_start_date
            and response_weekly.segment = sla_weekly.segment
            and response_weekly.source = sla_weekly.source
)

select * from final
