{%- set targets = var('handle_time_target_seconds') %}
{%- set started_month = 'cast(' ~ dbt.date_trunc('month', 'started_date') ~ ' as date)' %}
{#- Incremental per month (macros/refresh_scope.sql): a month is recomputed when a contact of it
    was written since, or when a contact that was in it was replaced (its old row is in
    int_contact_versions_replaced: it may have left the month). -#}
{%- set refresh = {
    'key': 'month_start_date',
    'upstream': [
        ['fct_contacts', started_month],
        ['int_contact_versions_replaced', started_month],
    ],
    'changed': ['stale_watermark'],
} -%}
{{ refreshed_by_scope(refresh) }}

with

contacts as (
    select * from {{ ref('fct_contacts') }}
    where {{ in_refresh_scope(refresh, key=started_month) }}
),

targeted as (
    select
        source,
        handle_seconds,
        {{ started_month }} as month_start_date,
        coalesce(channel, 'unknown') as channel,
        case source
            {%- for source, seconds in targets.items() %}
                when '{{ source }}' then {{ seconds }}
            {%- endfor %}
        end as target_seconds
    from contacts
),

final as (
    select
        month_start_date,
        source,
        channel,
        max(target_seconds) as target_seconds,
        count(*) as contacts,
        count(handle_seconds) as contacts_with_handle_time,
        coalesce({{ exact_sum('handle_seconds') }}, 0) as total_handle_seconds,
        {{ exact_avg('handle_seconds') }} as avg_handle_seconds,
        count(case when handle_seconds > target_seconds then 1 end)
            as contacts_over_target,
        cast(
            sum(case when handle_seconds > target_seconds then 1 else 0 end)
            as {{ type_double() }}
        )
        * 100.0
        / nullif(count(handle_seconds), 0) as over_target_pct,
        {{ refreshed_at() }} as _refreshed_at
    from targeted
    group by 1, 2, 3
)

select * from final
