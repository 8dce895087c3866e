with base as (
    select * from {{ ref('base_landing__calls') }}
    {{ rows_from_new_files() }}
),

quarantined as (
    {{ quarantined_rows('base', 'calls') }}
)

select * from quarantined
