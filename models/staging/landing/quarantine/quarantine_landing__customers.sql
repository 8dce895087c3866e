with base as (
    select * from {{ ref('base_landing__customers') }}
),

quarantined as (
    {{ quarantined_rows('base', 'customers') }}
)

select * from quarantined
