{%- set lookback_weeks = var('volume_lookback_weeks') %}
{%- set tz = "'" ~ reporting_timezone() ~ "'" %}

with

contacts as (
    select * from {{ ref('fct_contacts') }}
),

hours as (
    {{ dbt.generate_series(24) }}
),

weekdays as (
    {{ dbt.generate_series(7) }}
),

sources as (
    select 'ticket' as source  -- noqa: RF04
    union all
    select 'chat' as source  -- noqa: RF04
    union all
    select 'call' as source  -- noqa: RF04
),

week_hours as (
    select
        sources.source,
        cast(weekdays.generated_number as integer) as iso_weekday,
        cast(hours.generated_number - 1 as integer) as hour_of_day
    from sources
    cross join weekdays
    cross join hours
),

recent_contacts as (
    -- Contacts that started in [as-of - lookback weeks, as-of), cut in REPORTING_TIMEZONE.
    select
        source,
        {{ utc_to_local('started_at', tz) }} as started_local_at
    from contacts
    where
        {{ seconds_between('started_at', as_of_timestamp()) }} > 0
        and {{ seconds_between('started_at', as_of_timestamp()) }}
        <= {{ lookback_weeks * 7 * 86400 }}
),

counted as (
    select
        source,
        {{ iso_day_of_week('started_local_at') }} as iso_weekday,
        {{ hour_of_day('started_local_at') }} as hour_of_day,
        count(*) as contacts
    from recent_contacts
    group by 1, 2, 3
),

averaged as (
    select
        week_hours.source,
        week_hours.iso_weekday,
        week_hours.hour_of_day,
        coalesce(counted.contacts, 0) as contacts,
        cast(coalesce(counted.contacts, 0) as {{ type_double() }})
        / {{ lookback_weeks }} as avg_contacts_per_hour
    from week_hours
    left join counted
        on
            week_hours.source = counted.source
            and week_hours.iso_weekday = counted.iso_weekday
            and week_hours.hour_of_day = counted.hour_of_day
),

ranked as (
    select
        *,
        -- Hours of the source at least as busy as this one (itself and ties included).
        count(*) over (
            partition by source
            order by avg_contacts_per_hour desc
            range between unbounded preceding and current row
        ) as hours_at_least_as_busy
    from averaged
),

final as (
    select
        source,
        iso_weekday,
        hour_of_day,
        contacts,
        avg_contacts_per_hour,
        hours_at_least_as_busy,
        -- Top decile of the week's 168 hours: the hour and every hour at least as busy fit in
        -- ceil(168 / 10) = 17 hours (a tie group crossing the boundary is not peak).
        hours_at_least_as_busy <= 17 and contacts > 0 as is_peak
    from ranked
)

select * from final
