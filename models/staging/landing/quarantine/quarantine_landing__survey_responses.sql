with base as (
    select * from {{ ref('base_landing__survey_responses') }}
),

quarantined as (
    {{ quarantined_rows('base', 'survey_responses') }}
)

select * from quarantined
