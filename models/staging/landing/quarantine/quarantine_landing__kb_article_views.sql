with base as (
    select * from {{ ref('base_landing__kb_article_views') }}
    {{ rows_from_new_files() }}
),

quarantined as (
    {{ quarantined_rows('base', 'kb_article_views') }}
)

select * from quarantined
