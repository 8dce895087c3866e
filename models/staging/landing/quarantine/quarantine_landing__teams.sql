with base as (
    select * from {{ ref('base_landing__teams') }}
),

quarantined as (
    {{ quarantined_rows('base', 'teams') }}
)

select * from quarantined
