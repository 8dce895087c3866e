with source as (
    select * from {{ source('landing', 'customers') }}
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
        -- values as delivered
        {%- for column in landing_columns('customers') %}
            {{ column }} as raw_{{ column }},
        {%- endfor %}
        -- metadata
        _source_file,
        _source_row,
        _loaded_at,
        _file_id
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
)

select * from checked
