with base as (
    select * from {{ ref('base_landing__returns') }}
),

quarantined as (
    {{ quarantined_rows('base', 'returns') }}
)

select * from quarantined
