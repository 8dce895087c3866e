with base as (
    select * from {{ ref('base_landing__customers') }}
    {{ rows_from_new_files() }}
),

quarantined as (
    {{ quarantined_rows('base', 'customers') }}
)

select * from quarantined
