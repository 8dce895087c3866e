with base as (
    select * from {{ ref('base_landing__agents') }}
    {{ rows_from_new_files() }}
),

quarantined as (
    {{ quarantined_rows('base', 'agents') }}
)

select * from quarantined
