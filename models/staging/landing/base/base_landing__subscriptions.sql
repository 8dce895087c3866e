{%- set cleaned_columns = [
    'subscription_id',
    'customer_id',
    'plan',
    'cancellation_reason',
    'monthly_amount',
    'started_at',
    'cancelled_at',
] -%}
with source as {{ inline_cte() }} (
    select * from {{ source('landing', 'subscriptions') }}
    {{ rows_from_new_files() }}
),

cleaned as (
    select
        -- ids
        {{ clean_text('subscription_id') }} as subscription_id,
        {{ clean_text('customer_id') }} as customer_id,
        -- strings
        {{ normalize_token('plan') }} as plan,
        {{ clean_text('cancellation_reason') }} as cancellation_reason,
        -- numerics
        {{ try_cast(clean_text('monthly_amount'), 'decimal(18, 2)') }} as monthly_amount,
        -- timestamps
        {{ text_to_utc('started_at') }} as started_at,
        {{ text_to_utc('cancelled_at') }} as cancelled_at,
        -- values as delivered (raw_<column>) and load metadata
        {{ landing_passthrough_columns('subscriptions') }}
    from source
),

checked as (
    select
        *,
        {{ quarantine_reason([
            reason_missing('subscription_id'),
            reason_missing('customer_id'),
            reason_missing('started_at'),
            reason_unparseable('started_at'),
            reason_unparseable('cancelled_at'),
            reason_unparseable('monthly_amount'),
            reason_negative('monthly_amount'),
            reason_before('cancelled_at', 'started_at'),
        ]) }} as quarantine_reason
    from cleaned
),

traced as (
    {{ base_rows('checked', 'source', 'subscriptions', 'subscription_id', cleaned_columns) }}
)

select * from traced
