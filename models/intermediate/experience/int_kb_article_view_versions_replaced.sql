{#- Where the fct_kb_article_views rows that incremental runs replaced were
    (macros/refresh_scope.sql, `keep_replaced`): fct_kb_article_views' strategy copies the
    columns below of a customer's old view rows here before it deletes them, `_refreshed_at` =
    the run that replaced them. This model itself selects no row, so a build creates it empty
    with these columns. KPI rollups by article or week read it to recompute the article and the
    week a view left as well as the ones it is in now. -#}
{{ replaced_rows_log_config() }}
with

views as (
    select * from {{ ref('fct_kb_article_views') }}
),

no_rows as (
    select
        view_id,
        article_id,
        viewed_date,
        _refreshed_at
    from views
    where 1 = 0
)

select * from no_rows
