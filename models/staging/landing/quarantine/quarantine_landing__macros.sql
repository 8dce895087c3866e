with base as (
    select * from {{ ref('base_landing__macros') }}
    {{ rows_from_new_files() }}
),

quarantined as (
    {{ quarantined_rows('base', 'macros') }}
)

select * from quarantined
