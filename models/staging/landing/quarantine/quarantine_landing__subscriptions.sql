with base as (
    select * from {{ ref('base_landing__subscriptions') }}
    {{ rows_from_new_files() }}
),

quarantined as (
    {{ quarantined_rows('base', 'subscriptions') }}
)

select * from quarantined
