with base as (
    select * from {{ ref('base_landing__survey_responses') }}
    {{ rows_from_new_files() }}
),

quarantined as (
    {{ quarantined_rows('base', 'survey_responses') }}
)

select * from quarantined
