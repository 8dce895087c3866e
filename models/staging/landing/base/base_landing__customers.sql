{%- set cleaned_columns = [
    'customer_id',
    'organization_id',
    'customer_name',
    'email',
    'segment',
    'country',
    'timezone',
    'created_at',
] -%}
with source as {{ inline_cte() }} (
    select * from {{ source('landing', 'customers') }}
    {{ rows_from_new_files() }}
),

cleaned as (
    select
        -- ids
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('organization_id') }} as organization_id,
        -- strings
        {{ clean_text('name') }} as customer_name,
        lower({{ clean_text('email') }}) as email,
        {{ normalize_token('segment') }} as segment,
        upper({{ clean_text('country') }}) as country,
        {{ clean_text('timezone') }} as timezone,
        -- timestamps
        {{ text_to_utc('created_at') }} as created_at,
        -- values as delivered (raw_<column>) and load metadata
        {{ landing_passthrough_columns('customers') }}
    from source
),

checked as (
    select
        *,
        {{ quarantine_reason([
            reason_missing('customer_id'),
            reason_unparseable('created_at'),
        ]) }} as quarantine_reason
    from cleaned
),

traced as (
    {{ base_rows('checked', 'source', 'customers', 'customer_id', cleaned_columns) }}
)

select * from traced
