with base as (
    select * from {{ ref('base_landing__macros') }}
),

quarantined as (
    {{ quarantined_rows('base', 'macros') }}
)

select * from quarantined
