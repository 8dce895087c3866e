with base as (
    select * from {{ ref('base_landing__subscriptions') }}
),

quarantined as (
    {{ quarantined_rows('base', 'subscriptions') }}
)

select * from quarantined
