with

views as (
    select * from {{ ref('fct_kb_article_views') }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

weekly_views as (
    select
        {{ week_start('viewed_date') }} as date_week,
        count(*) as article_views,
        count(distinct viewer_key) as unique_viewers,
        count(case when has_known_customer then 1 end) as known_customer_views,
        count(case when is_self_service_resolution is not null and has_known_customer then 1 end)
            as judged_views,
        count(case when is_self_service_resolution then 1 end) as self_service_resolutions
    from views
    group by 1
),

weekly_contacts as (
    select
        {{ reporting_week('started_at') }} as date_week,
        count(*) as contacts
    from contacts
    group by 1
),

bounds as (
    select
        min(date_week) as first_week,
        max(date_week) as last_week
    from weekly_views
),

weeks as (
    {{ week_series('(select first_week from bounds)', '(select last_week from bounds)') }}
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
        / nullif(weekly_views.article_views, 0) as contacts_per_100_views
    from weeks
    left join weekly_views
        on weeks.date_week = weekly_views.date_week
    left join weekly_contacts
        on weeks.date_week = weekly_contacts.date_week
)

select * from joined
