with

contacts as (
    select * from {{ ref('fct_contacts') }}
),

tickets as (
    select * from {{ ref('fct_tickets') }}
),

sla_events as (
    select * from {{ ref('fct_sla_events') }}
),

survey_monthly as (
    select * from {{ ref('kpi_survey_monthly') }}
),

complaints_monthly as (
    select * from {{ ref('kpi_complaints_monthly') }}
),

retention_monthly as (
    select * from {{ ref('kpi_retention_monthly') }}
),

turnover_monthly as (
    select * from {{ ref('kpi_agent_turnover_monthly') }}
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
        100.0 * cast(count(case when is_first_contact_resolution then 1 end) as {{ type_double() }})
        / nullif(count(is_first_contact_resolution), 0) as first_contact_resolution_pct
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
        {{ reporting_month('case when is_breached then breach_at else achieved_at end') }}
            as date_month,
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

overview as (
    -- The columns follow the dashboard's order of the headline figures.
    select  -- noqa: ST06
        months.date_month,
        coalesce(contacts_monthly.contacts, 0) as contacts,
        coalesce(contacts_monthly.ticket_contacts, 0) as ticket_contacts,
        coalesce(contacts_monthly.chat_contacts, 0) as chat_contacts,
        coalesce(contacts_monthly.call_contacts, 0) as call_contacts,
        contacts_monthly.median_first_response_minutes,
        resolution_monthly.median_full_resolution_minutes,
        resolution_monthly.median_full_resolution_business_minutes,
        contacts_monthly.first_contact_resolution_pct,
        csat_monthly.csat_pct,
        nps_monthly.nps,
        coalesce(complaints_totals.complaints, 0) as complaints,
        sla_monthly.sla_attainment_pct,
        retention_monthly.churn_rate_pct,
        turnover_monthly.turnover_rate_pct
    from months
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
