{%- set created_month = reporting_month('created_at') %}
{#- Incremental per month (macros/refresh_scope.sql): a month is recomputed when a ticket of it
    was written since (new, re-delivered, a late event, a clock still running), when a ticket
    that was in it was replaced (its old row is in int_ticket_versions_replaced: it may have
    left the month), and so are the 5 months after each of those (`trailing_periods`: their
    months_with_complaints_last_6 looks back at it). -#}
{%- set refresh = {
    'key': 'date_month',
    'upstream': [
        ['fct_tickets', created_month],
        ['int_ticket_versions_replaced', created_month],
    ],
    'changed': ['stale_watermark'],
    'trailing_periods': ['month', 5],
} -%}
{{ refreshed_by_scope(refresh) }}

with

tickets as (
    select * from {{ ref('fct_tickets') }}
    where {{ in_refresh_scope(refresh, key=created_month) }}
),

flagged as (
    select
        ticket_id,
        {{ reporting_month('created_at') }} as date_month,
        coalesce(category, 'unknown') as category,
        coalesce(channel, 'unknown') as channel,
        coalesce({{ list_contains_any_token('tags', var('complaint_tags')) }}, false)
            as is_complaint,
        coalesce(is_solved, false) as is_solved,
        full_resolution_business_minutes
    from tickets
),

slices as (
    select
        date_month,
        category,
        channel,
        count(*) as tickets,
        count(case when is_complaint then 1 end) as complaints,
        count(case when is_complaint and is_solved then 1 end) as solved_complaints,
        percentile_cont(0.5) within group (
            order by case when is_complaint and is_solved then full_resolution_business_minutes end
        ) as median_full_resolution_business_minutes
    from flagged
    group by 1, 2, 3
),

monthly_totals as (
    select
        date_month,
        count(*) as month_tickets
    from flagged
    group by 1
),

scoped_complaint_months as (
    select distinct
        date_month,
        category
    from flagged
    where is_complaint
),

{#- a month out of scope is unchanged: its stored rows say which categories had complaints -#}
{%- set stored_columns = ['date_month', 'category'] %}

stored_complaint_months as (
    {{ stored_rows_out_of_scope(
        refresh, stored_columns, 'complaints > 0', 'scoped_complaint_months'
    ) }}
),

category_complaint_months as (
    select * from scoped_complaint_months
    union
    select * from stored_complaint_months
),

category_months as (
    select distinct
        date_month,
        category
    from slices
),

recurrence as (
    -- Months among this one and the 5 before it with at least one complaint of the category
    -- (any channel).
    select
        category_months.date_month,
        category_months.category,
        count(category_complaint_months.date_month) as months_with_complaints_last_6
    from category_months
    left join category_complaint_months
        on
            category_months.category = category_complaint_months.category
            and category_months.date_month >= category_complaint_months.date_month
            and {{ dbt.dateadd('month', -5, 'category_months.date_month') }}
            <= category_complaint_months.date_month
    group by 1, 2
),

joined as (
    select
        slices.date_month,
        slices.category,
        slices.channel,
        slices.tickets,
        slices.complaints,
        slices.solved_complaints,
        slices.median_full_resolution_business_minutes,
        recurrence.months_with_complaints_last_6,
        100.0 * cast(slices.complaints as {{ type_double() }})
        / nullif(slices.tickets, 0) as complaint_share_pct,
        100.0 * cast(slices.complaints as {{ type_double() }})
        / nullif(monthly_totals.month_tickets, 0) as share_of_month_tickets_pct,
        {{ refreshed_at() }} as _refreshed_at
    from slices
    inner join monthly_totals
        on slices.date_month = monthly_totals.date_month
    inner join recurrence
        on
            slices.date_month = recurrence.date_month
            and slices.category = recurrence.category
)

select * from joined
