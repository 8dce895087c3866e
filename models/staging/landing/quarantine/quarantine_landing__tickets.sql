with base as (
    select * from {{ ref('base_landing__tickets') }}
),

quarantined as (
    {{ quarantined_rows('base', 'tickets') }}
)

select * from quarantined
