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

active_spans as (
    -- The months a subscription counts at the start of: from the month after its start to the
    -- month of its cancellation, both inclusive; none when it was cancelled in the month it
    -- started. One not cancelled by the end of the last month still counts at the start of the
    -- month after it (past the rows: it only keeps its customer from churning).
    select
        subscription_months.customer_id,
        cast({{ dbt.dateadd('month', 1, 'subscription_months.start_month') }} as date)
            as span_start_month,
        case
            when
                subscription_months.cancel_month is null
                or subscription_months.cancel_month > bounds.last_month
                then cast({{ dbt.dateadd('month', 1, 'bounds.last_month') }} as date)
            else subscription_months.cancel_month
        end as span_end_month
    from subscription_months
    cross join bounds
),

spans_after_earlier_ones as (
    select
        customer_id,
        span_start_month,
        span_end_month,
        max(span_end_month) over (
            partition by customer_id
            order by span_start_month, span_end_month
            rows between unbounded preceding and 1 preceding
        ) as earlier_end_month
    from active_spans
    where span_start_month <= span_end_month
),

spans_numbered as (
    -- A span that starts after a month at whose start the customer had no active
    -- subscription starts a new period (one starting the month after an earlier one's last
    -- month continues it: a plan change is no churn).
    select
        customer_id,
        span_start_month,
        span_end_month,
        sum(
            case
                when
                    earlier_end_month is null
                    or span_start_month
                    > cast({{ dbt.dateadd('month', 1, 'earlier_end_month') }} as date)
                    then 1
                else 0
            end
        ) over (
            partition by customer_id
            order by span_start_month, span_end_month
            rows between unbounded preceding and current row
        ) as period_number
    from spans_after_earlier_ones
),

active_periods as (
    -- A customer's overlapping or adjacent spans merged: the periods are disjoint and apart,
    -- so a customer active through several subscriptions counts once, and a period ends
    -- when the customer churns.
    select
        customer_id,
        period_number,
        min(span_start_month) as period_start_month,
        max(span_end_month) as period_end_month
    from spans_numbered
    group by 1, 2
),

active_count_changes as (
    select
        period_start_month as date_month,
        1 as active_change
    from active_periods
    union all
    select
        cast({{ dbt.dateadd('month', 1, 'period_end_month') }} as date) as date_month,
        -1 as active_change
    from active_periods
),

monthly_active_changes as (
    select
        date_month,
        sum(active_change) as active_change
    from active_count_changes
    group by 1
),

active_at_start_counts as (
    select
        months.date_month,
        sum(coalesce(monthly_active_changes.active_change, 0)) over (
            order by months.date_month
            rows between unbounded preceding and current row
        ) as customers_active_at_start
    from months
    left join monthly_active_changes
        on months.date_month = monthly_active_changes.date_month
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
        cancel_month as date_month,
        count(*) as cancelled_subscriptions,
        count(distinct customer_id) as cancelled_customers,
        sum(monthly_amount) as churned_monthly_amount
    from subscription_months
    where cancel_month is not null
    group by 1
),

churns as (
    -- A customer churns in the last month of an active period: active at its start, at the
    -- start of the next month no longer (a period of a subscription still running ends past
    -- the last month).
    select
        active_periods.period_end_month as date_month,
        count(distinct active_periods.customer_id) as churned_customers
    from active_periods
    cross join bounds
    where active_periods.period_end_month <= bounds.last_month
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
        coalesce(churns.churned_customers, 0) as churned_customers,
        coalesce(monthly_returns.product_returns, 0) as product_returns,
        coalesce(monthly_returns.returning_customers, 0) as returning_customers,
        coalesce(monthly_returns.returned_amount, 0) as returned_amount,
        100.0 * cast(coalesce(churns.churned_customers, 0) as {{ type_double() }})
        / nullif(active_at_start_counts.customers_active_at_start, 0) as churn_rate_pct,
        100.0 - 100.0 * cast(coalesce(churns.churned_customers, 0) as {{ type_double() }})
        / nullif(active_at_start_counts.customers_active_at_start, 0) as retention_rate_pct,
        coalesce(cancellations.churned_monthly_amount, 0) as churned_monthly_amount
    from months
    left join active_at_start_counts
        on months.date_month = active_at_start_counts.date_month
    left join new_customers
        on months.date_month = new_customers.date_month
    left join cancellations
        on months.date_month = cancellations.date_month
    left join churns
        on months.date_month = churns.date_month
    left join monthly_returns
        on months.date_month = monthly_returns.date_month
)

select * from joined
