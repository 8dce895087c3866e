{%- set targets = var('handle_time_target_seconds') %}

with

contacts as (
    select * from {{ ref('fct_contacts') }}
),

targeted as (
    select
        source,
        handle_seconds,
        cast({{ dbt.date_trunc('month', 'started_date') }} as date)
            as month_start_date,
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
        / nullif(count(handle_seconds), 0) as over_target_pct
    from targeted
    group by 1, 2, 3
)

select * from final
