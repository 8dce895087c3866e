with base as (
    select * from {{ ref('base_landing__tickets') }}
    {{ rows_from_new_files() }}
),

quarantined as (
    {{ quarantined_rows('base', 'tickets') }}
)

select * from quarantined
