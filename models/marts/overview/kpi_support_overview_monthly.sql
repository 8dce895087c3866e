{%- set started_month = reporting_month('started_at') %}
{%- set solved_month = reporting_month('last_solved_at') %}
{%- set settled_at = 'case when is_breached then breach_at else achieved_at end' %}
{%- set settled_month = reporting_month(settled_at) %}
{%- set fcr_window_closed = seconds_between('started_at', as_of_timestamp())
    ~ ' >= ' ~ var('fcr_window_days') * 86400 %}
{#- Incremental per month (macros/refresh_scope.sql): a month is recomputed when a contact, a
    solved ticket or a settled SLA target of it was written since, when one that was in it was
    replaced (the logs int_contact_versions_replaced, int_ticket_versions_replaced,
    int_sla_event_versions_replaced: it may have left the month; a replaced SLA row puts both
    its breach and its achievement month in scope), when its survey or complaint rows were
    written since (or a response or ticket that was in it was replaced: its rows there may be
    gone), and when the churn or turnover rate copied into it changed (check
    `retention_and_turnover_months`: those two rollups are rebuilt in full every night, so a
    comparison finds what changed). A month whose first-contact resolution still waits for open
    windows (fcr_pending_contacts > 0) is recomputed every night until they have all closed
    (`running_clock`). -#}
{%- set refresh = {
    'key': 'date_month',
    'upstream': [
        ['fct_contacts', started_month],
        ['int_contact_versions_replaced', month_start('started_date')],
        ['fct_tickets', solved_month],
        ['int_ticket_versions_replaced', solved_month],
        ['int_ticket_versions_replaced', reporting_month('created_at')],
        ['fct_sla_events', settled_month],
        ['int_sla_event_versions_replaced', reporting_month('breach_at')],
        ['int_sla_event_versions_replaced', reporting_month('achieved_at')],
        ['kpi_survey_monthly', 'date_month'],
        ['int_survey_response_versions_replaced', month_start('responded_date')],
        ['kpi_complaints_monthly', 'date_month'],
    ],
    'changed': ['stale_watermark', 'retention_and_turnover_months'],
    'running_clock': 'fcr_pending_contacts > 0',
} -%}
{{ refreshed_by_scope(refresh) }}

with

contacts as (
    select * from {{ ref('fct_contacts') }}
    where {{ in_refresh_scope(refresh, key=started_month) }}
),

tickets as (
    select * from {{ ref('fct_tickets') }}
    where {{ in_refresh_scope(refresh, key=solved_month) }}
),

sla_events as (
    select * from {{ ref('fct_sla_events') }}
    where {{ in_refresh_scope(refresh, key=settled_month) }}
),

survey_monthly as (
    select * from {{ ref('kpi_survey_monthly') }}
    where {{ in_refresh_scope(refresh) }}
),

complaints_monthly as (
    select * from {{ ref('kpi_complaints_monthly') }}
    where {{ in_refresh_scope(refresh) }}
),

retention_monthly as (
    select * from {{ ref('kpi_retention_monthly') }}
    where {{ in_refresh_scope(refresh) }}
),

turnover_monthly as (
    select * from {{ ref('kpi_agent_turnover_monthly') }}
    where {{ in_refresh_scope(refresh) }}
),

contacts_monthly as (
    select
        {{ reporting_month('started_at') }} as date_month,
        count(*) as contacts,
        count(case when source = 'ticket' then 1 end) as ticket_contacts,
        count(case when source = 'chat' then 1 end) as chat_contacts,
        count(case when source = 'call' then 1 end) as call_contacts,
        percentile_cont(0.5) within group (order by first_response_seconds) / 60.0
            as median_first_response_minutes,
        percentile_cont(0.5) within group (
            order by case when source = 'ticket' then first_response_seconds end
        ) / 60.0 as median_ticket_first_response_minutes,
        percentile_cont(0.5) within group (
            order by case when source = 'chat' then first_response_seconds end
        ) / 60.0 as median_chat_first_response_minutes,
        percentile_cont(0.5) within group (
            order by case when source = 'call' then first_response_seconds end
        ) / 60.0 as median_call_first_response_minutes,
        -- only contacts whose window has closed: a contact is decided unresolved as soon as
        -- another follows, resolved only when its window ends, so a month with open windows
        -- would read low
        100.0 * cast(count(
            case when is_first_contact_resolution and {{ fcr_window_closed }} then 1 end
        ) as {{ type_double() }})
        / nullif(count(
            case
                when is_first_contact_resolution is not null and {{ fcr_window_closed }} then 1
            end
        ), 0) as first_contact_resolution_pct,
        count(case when customer_id is not null and not ({{ fcr_window_closed }}) then 1 end)
            as fcr_pending_contacts
    from contacts
    group by 1
),

resolution_monthly as (
    select
        {{ reporting_month('last_solved_at') }} as date_month,
        percentile_cont(0.5) within group (order by full_resolution_business_minutes)
            as median_full_resolution_business_minutes,
        percentile_cont(0.5) within group (order by full_resolution_minutes)
            as median_full_resolution_minutes
    from tickets
    where is_solved and last_solved_at is not null
    group by 1
),

sla_monthly as (
    select
        {{ settled_month }} as date_month,
        100.0 * cast(count(case when not is_breached then 1 end) as {{ type_double() }})
        / nullif(count(*), 0) as sla_attainment_pct
    from sla_events
    where is_breached is not null
    group by 1
),

csat_monthly as (
    select
        date_month,
        csat_pct
    from survey_monthly
    where survey_type = 'csat'
),

nps_monthly as (
    select
        date_month,
        nps
    from survey_monthly
    where survey_type = 'nps'
),

complaints_totals as (
    select
        date_month,
        sum(complaints) as complaints
    from complaints_monthly
    group by 1
),

months as (
    select date_month from contacts_monthly
    union
    select date_month from retention_monthly
    union
    select date_month from turnover_monthly
),

-- a month before the first contact (subscriptions or hires only) has no support data: its
-- counts are NULL, not 0
months_with_support_data as (
    select
        date_month,
        coalesce(date_month >= {{ first_contact_month() }}, false) as has_support_data
    from months
),

overview as (
    -- The columns follow the dashboard's order of the headline figures.
    select  -- noqa: ST06
        months.date_month,
        case when months.has_support_data then coalesce(contacts_monthly.contacts, 0) end
            as contacts,
        case when months.has_support_data then coalesce(contacts_monthly.ticket_contacts, 0) end
            as ticket_contacts,
        case when months.has_support_data then coalesce(contacts_monthly.chat_contacts, 0) end
            as chat_contacts,
        case when months.has_support_data then coalesce(contacts_monthly.call_contacts, 0) end
            as call_contacts,
        contacts_monthly.median_first_response_minutes,
        contacts_monthly.median_ticket_first_response_minutes,
        contacts_monthly.median_chat_first_response_minutes,
        contacts_monthly.median_call_first_response_minutes,
        resolution_monthly.median_full_resolution_minutes,
        resolution_monthly.median_full_resolution_business_minutes,
        contacts_monthly.first_contact_resolution_pct,
        case
            when months.has_support_data then coalesce(contacts_monthly.fcr_pending_contacts, 0)
        end as fcr_pending_contacts,
        csat_monthly.csat_pct,
        nps_monthly.nps,
        coalesce(complaints_totals.complaints, case when months.has_support_data then 0 end)
            as complaints,
        sla_monthly.sla_attainment_pct,
        retention_monthly.churn_rate_pct,
        turnover_monthly.turnover_rate_pct,
        {{ refreshed_at() }} as _refreshed_at
    from months_with_support_data as months
    left join contacts_monthly
        on months.date_month = contacts_monthly.date_month
    left join resolution_monthly
        on months.date_month = resolution_monthly.date_month
    left join sla_monthly
        on months.date_month = sla_monthly.date_month
    left join csat_monthly
        on months.date_month = csat_monthly.date_month
    left join nps_monthly
        on months.date_month = nps_monthly.date_month
    left join complaints_totals
        on months.date_month = complaints_totals.date_month
    left join retention_monthly
        on months.date_month = retention_monthly.date_month
    left join turnover_monthly
        on months.date_month = turnover_monthly.date_month
)

select * from overview
