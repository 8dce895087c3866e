{%- set viewed_week = week_start('viewed_date') %}
{%- set started_week = week_start('started_date') %}
{#- Incremental per week (macros/refresh_scope.sql): a week is recomputed when a view or contact
    of it was written since, when a view or contact that was in it was replaced
    (int_kb_article_view_versions_replaced, int_contact_versions_replaced: it may have left the
    week), and when the spine of weeks (first to last week with views) and the stored weeks
    differ (check `self_service_week_spine`: the range grew or shrank). -#}
{%- set refresh = {
    'key': 'date_week',
    'upstream': [
        ['fct_kb_article_views', viewed_week],
        ['int_kb_article_view_versions_replaced', viewed_week],
        ['fct_contacts', started_week],
        ['int_contact_versions_replaced', started_week],
    ],
    'changed': ['self_service_week_spine', 'stale_watermark'],
} -%}
{{ refreshed_by_scope(refresh) }}

with

views as {{ inline_cte() }} (
    select * from {{ ref('fct_kb_article_views') }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
    where {{ in_refresh_scope(refresh, key=started_week) }}
),

scoped_views as (
    select * from views
    where {{ in_refresh_scope(refresh, key=viewed_week) }}
),

weekly_views as (
    select
        {{ viewed_week }} as date_week,
        count(*) as article_views,
        count(distinct viewer_key) as unique_viewers,
        count(case when has_known_customer then 1 end) as known_customer_views,
        count(case when is_self_service_resolution is not null and has_known_customer then 1 end)
            as judged_views,
        count(case when is_self_service_resolution then 1 end) as self_service_resolutions
    from scoped_views
    group by 1
),

weekly_contacts as (
    select
        {{ started_week }} as date_week,
        count(*) as contacts
    from contacts
    group by 1
),

all_weeks as (
    -- over every view: the range of weeks does not depend on the weeks in scope
    {{ self_service_week_spine('views') }}
),

weeks as (
    select date_week from all_weeks
    where {{ in_refresh_scope(refresh) }}
),

joined as (
    select
        weeks.date_week,
        coalesce(weekly_views.article_views, 0) as article_views,
        coalesce(weekly_views.unique_viewers, 0) as unique_viewers,
        coalesce(weekly_views.known_customer_views, 0) as known_customer_views,
        coalesce(weekly_views.judged_views, 0) as judged_views,
        coalesce(weekly_views.self_service_resolutions, 0) as self_service_resolutions,
        100.0 * cast(weekly_views.self_service_resolutions as {{ type_double() }})
        / nullif(weekly_views.judged_views, 0) as deflection_rate_pct,
        coalesce(weekly_contacts.contacts, 0) as contacts,
        100.0 * cast(coalesce(weekly_contacts.contacts, 0) as {{ type_double() }})
        / nullif(weekly_views.article_views, 0) as contacts_per_100_views,
        {{ refreshed_at() }} as _refreshed_at
    from weeks
    left join weekly_views
        on weeks.date_week = weekly_views.date_week
    left join weekly_contacts
        on weeks.date_week = weekly_contacts.date_week
)

select * from joined
