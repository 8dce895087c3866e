{%- set cleaned_columns = [
    'return_id',
    'customer_id',
    'order_id',
    'reason',
    'amount',
    'returned_at',
] -%}
with source as {{ inline_cte() }} (
    select * from {{ source('landing', 'returns') }}
    {{ rows_from_new_files() }}
),

cleaned as (
    select
        -- ids
        {{ clean_text('return_id') }} as return_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('order_id') }} as order_id,
        -- strings
        {{ clean_text('reason') }} as reason,
        -- numerics
        {{ try_cast(clean_text('amount'), 'decimal(18, 2)') }} as amount,
        -- timestamps
        {{ text_to_utc('returned_at') }} as returned_at,
        -- values as delivered (raw_<column>) and load metadata
        {{ landing_passthrough_columns('returns') }}
    from source
),

checked as (
    select
        *,
        {{ quarantine_reason([
            reason_missing('return_id'),
            reason_missing('customer_id'),
            reason_missing('returned_at'),
            reason_unparseable('returned_at'),
            reason_unparseable('amount'),
            reason_negative('amount'),
        ]) }} as quarantine_reason
    from cleaned
),

traced as (
    {{ base_rows('checked', 'source', 'returns', 'return_id', cleaned_columns) }}
)

select * from traced
