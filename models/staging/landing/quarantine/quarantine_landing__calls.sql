with base as (
    select * from {{ ref('base_landing__calls') }}
),

quarantined as (
    {{ quarantined_rows('base', 'calls') }}
)

select * from quarantined
