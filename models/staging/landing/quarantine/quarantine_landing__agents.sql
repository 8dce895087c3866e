with base as (
    select * from {{ ref('base_landing__agents') }}
),

quarantined as (
    {{ quarantined_rows('base', 'agents') }}
)

select * from quarantined
