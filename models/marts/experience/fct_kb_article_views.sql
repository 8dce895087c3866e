{%- set window_hours = var('deflection_window_hours') %}
{#- Incremental per viewer (macros/refresh_scope.sql): whether a view deflected a contact depends
    on the customer's contacts, so the unit of refresh is a customer's views (a view with no
    customer is a unit of its own). A customer's views are recomputed when one of them was
    written since this model's last build (also the customer a view moved away from), when one
    of the customer's contacts was (also the customer a contact moved away from: its replaced row
    in int_contact_versions_replaced names it), or while a view's deflection window is still
    open. The rows it replaces go to int_kb_article_view_versions_replaced, for the KPI rollups
    by article and week. -#}
{%- set refresh = {
    'key': 'coalesce(customer_id, view_id)',
    'keep_replaced': 'int_kb_article_view_versions_replaced',
    'upstream': [
        ['stg_landing__kb_article_views', 'coalesce(customer_id, view_id)', 'view_id'],
        ['fct_contacts', 'customer_id'],
        ['int_contact_versions_replaced', 'customer_id'],
    ],
    'running_clock': 'customer_id is not null and is_self_service_resolution is null',
} -%}
{{ refreshed_by_scope(refresh) }}
with

views as {{ scoped_cte() }} (
    select * from {{ ref('stg_landing__kb_article_views') }}
    where {{ in_refresh_scope(refresh) }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

following_contacts as (
    -- Contacts of the viewing customer that started within the deflection window after the view.
    select
        views.view_id,
        count(*) as contacts_within_window,
        min(contacts.started_at) as first_contact_started_at
    from views
    inner join contacts
        on
            views.customer_id = contacts.customer_id
            and views.viewed_at <= contacts.started_at
            and {{ dbt.dateadd('hour', window_hours, 'views.viewed_at') }}
            >= contacts.started_at
    group by 1
),

classified as (
    select
        views.view_id,
        views.article_id,
        views.article_title,
        views.customer_id,
        views.session_id,
        coalesce(
            'customer:' || views.customer_id,
            'session:' || views.session_id,
            'view:' || views.view_id
        ) as viewer_key,
        views.customer_id is not null as has_known_customer,
        views.was_helpful,
        views.viewed_at,
        {{ reporting_date('views.viewed_at') }} as viewed_date,
        coalesce(following_contacts.contacts_within_window, 0) as contacts_within_window,
        following_contacts.first_contact_started_at,
        following_contacts.view_id is not null as is_followed_by_contact,
        case
            when views.customer_id is null then false
            when following_contacts.view_id is not null then false
            when
                {{ dbt.dateadd('hour', window_hours, 'views.viewed_at') }}
                > {{ as_of_timestamp() }}
                then null
            else true
        end as is_self_service_resolution,
        {{ refreshed_at() }} as _refreshed_at
    from views
    left join following_contacts
        on views.view_id = following_contacts.view_id
)

select * from classified
