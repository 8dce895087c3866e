with

subscriptions as (
    select * from {{ ref('stg_landing__subscriptions') }}
),

returns as (
    select * from {{ ref('stg_landing__returns') }}
),

subscription_months as (
    select
        subscription_id,
        customer_id,
        monthly_amount,
        {{ reporting_month('started_at') }} as start_month,
        {{ reporting_month('cancelled_at') }} as cancel_month
    from subscriptions
),

bounds as (
    select
        min(start_month) as first_month,
        {{ reporting_month(as_of_timestamp()) }} as last_month
    from subscription_months
),

months as (
    {{ month_series('(select first_month from bounds)', '(select last_month from bounds)') }}
),

active_at_start as (
    -- A customer is active at the start of a month when one of their subscriptions started in
    -- an earlier month and was not cancelled in an earlier month.
    select distinct
        months.date_month,
        subscription_months.customer_id
    from months
    inner join subscription_months
        on
            months.date_month > subscription_months.start_month
            and (
                subscription_months.cancel_month is null
                or months.date_month <= subscription_months.cancel_month
            )
),

active_at_start_counts as (
    select
        date_month,
        count(*) as customers_active_at_start
    from active_at_start
    group by 1
),

first_starts as (
    select
        customer_id,
        min(start_month) as first_start_month
    from subscription_months
    group by 1
),

new_customers as (
    select
        first_start_month as date_month,
        count(*) as new_customers
    from first_starts
    group by 1
),

cancellations as (
    select
        subscription_months.cancel_month as date_month,
        count(*) as cancelled_subscriptions,
        count(distinct subscription_months.customer_id) as cancelled_customers,
        count(distinct active_at_start.customer_id) as churned_customers,
        sum(subscription_months.monthly_amount) as churned_monthly_amount
    from subscription_months
    left join active_at_start
        on
            subscription_months.customer_id = active_at_start.customer_id
            and subscription_months.cancel_month = active_at_start.date_month
    where subscription_months.cancel_month is not null
    group by 1
),

monthly_returns as (
    select
        {{ reporting_month('returned_at') }} as date_month,
        count(*) as product_returns,
        count(distinct customer_id) as returning_customers,
        sum(amount) as returned_amount
    from returns
    group by 1
),

joined as (
    select
        months.date_month,
        coalesce(active_at_start_counts.customers_active_at_start, 0)
            as customers_active_at_start,
        coalesce(new_customers.new_customers, 0) as new_customers,
        coalesce(cancellations.cancelled_subscriptions, 0) as cancelled_subscriptions,
        coalesce(cancellations.cancelled_customers, 0) as cancelled_customers,
        coalesce(cancellations.churned_customers, 0) as churned_customers,
        coalesce(monthly_returns.product_returns, 0) as product_returns,
        coalesce(monthly_returns.returning_customers, 0) as returning_customers,
        coalesce(monthly_returns.returned_amount, 0) as returned_amount,
        100.0 * cast(coalesce(cancellations.churned_customers, 0) as {{ type_double() }})
        / nullif(active_at_start_counts.customers_active_at_start, 0) as churn_rate_pct,
        100.0 - 100.0 * cast(coalesce(cancellations.churned_customers, 0) as {{ type_double() }})
        / nullif(active_at_start_counts.customers_active_at_start, 0) as retention_rate_pct,
        coalesce(cancellations.churned_monthly_amount, 0) as churned_monthly_amount
    from months
    left join active_at_start_counts
        on months.date_month = active_at_start_counts.date_month
    left join new_customers
        on months.date_month = new_customers.date_month
    left join cancellations
        on months.date_month = cancellations.date_month
    left join monthly_returns
        on months.date_month = monthly_returns.date_month
)

select * from joined
