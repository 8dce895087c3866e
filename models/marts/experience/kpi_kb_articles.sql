{#- Incremental per article (macros/refresh_scope.sql): an article's months are recomputed
    together (its title is the latest one over all of them) when one of its views was written
    since, or when a view that was its was replaced (int_kb_article_view_versions_replaced: the
    view may have left the article or the month). -#}
{%- set refresh = {
    'key': 'article_id',
    'upstream': [
        ['fct_kb_article_views', 'article_id'],
        ['int_kb_article_view_versions_replaced', 'article_id'],
    ],
    'changed': ['stale_watermark'],
} -%}
{{ refreshed_by_scope(refresh) }}

with

views as (
    select * from {{ ref('fct_kb_article_views') }}
    where {{ in_refresh_scope(refresh) }}
),

latest_titles as (
    -- The title of the article's latest view that carries one.
    select
        article_id,
        article_title,
        row_number() over (
            partition by article_id
            order by viewed_at desc, view_id desc
        ) as recency_rank
    from views
    where article_title is not null
),

monthly as (
    select
        article_id,
        {{ month_start('viewed_date') }} as date_month,
        count(*) as article_views,
        count(distinct viewer_key) as unique_viewers,
        count(case when was_helpful then 1 end) as helpful_votes,
        count(case when not was_helpful then 1 end) as not_helpful_votes,
        count(case when is_followed_by_contact then 1 end) as views_followed_by_contact,
        count(case when is_self_service_resolution then 1 end) as self_service_resolutions
    from views
    group by 1, 2
),

joined as (
    select
        monthly.article_id,
        monthly.date_month,
        latest_titles.article_title,
        monthly.article_views,
        monthly.unique_viewers,
        monthly.helpful_votes,
        monthly.not_helpful_votes,
        monthly.views_followed_by_contact,
        monthly.self_service_resolutions,
        100.0 * cast(monthly.helpful_votes as {{ type_double() }})
        / nullif(monthly.helpful_votes + monthly.not_helpful_votes, 0) as helpful_pct,
        {{ refreshed_at() }} as _refreshed_at
    from monthly
    left join latest_titles
        on
            monthly.article_id = latest_titles.article_id
            and latest_titles.recency_rank = 1
)

select * from joined
