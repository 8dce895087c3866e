with base as (
    select * from {{ ref('base_landing__teams') }}
    {{ rows_from_new_files() }}
),

quarantined as (
    {{ quarantined_rows('base', 'teams') }}
)

select * from quarantined
