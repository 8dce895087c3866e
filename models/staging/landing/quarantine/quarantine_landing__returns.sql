with base as (
    select * from {{ ref('base_landing__returns') }}
    {{ rows_from_new_files() }}
),

quarantined as (
    {{ quarantined_rows('base', 'returns') }}
)

select * from quarantined
