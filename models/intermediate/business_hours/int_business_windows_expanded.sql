{#- One row per schedule and business window, in naive UTC. Each LOCAL calendar day of the range is
    crossed with the schedule's rows for that weekday, holidays (whole local days) are removed, and
    the local open/close times are converted to UTC day by day, so daylight-saving changes are
    exact. The running sum of window lengths is the business clock (see macros/business_hours.sql). -#}
with

business_hours as (
    select * from {{ ref('business_hours') }}
),

holidays as (
    select * from {{ ref('holidays') }}
),

calendar_days as (
    {{ business_calendar_days(business_calendar_start_date(), business_calendar_end_date()) }}
),

opening_hours as (
    select
        schedule_id,
        timezone,
        day_of_week,
        {{ business_time_to_minutes('open_time') }} as open_minutes,
        {{ business_time_to_minutes('close_time') }} as close_minutes
    from business_hours
    where open_time < close_time
),

calendar_days_numbered as (
    select
        calendar_date,
        {{ iso_day_of_week('calendar_date') }} as day_of_week
    from calendar_days
),

local_windows as (
    select
        opening_hours.schedule_id,
        opening_hours.timezone,
        calendar_days_numbered.calendar_date as local_date,
        {{ dbt.dateadd(
            'minute', 'opening_hours.open_minutes',
            'cast(calendar_days_numbered.calendar_date as timestamp)'
        ) }} as local_open_at,
        {{ dbt.dateadd(
            'minute', 'opening_hours.close_minutes',
            'cast(calendar_days_numbered.calendar_date as timestamp)'
        ) }} as local_close_at
    from calendar_days_numbered
    inner join opening_hours
        on calendar_days_numbered.day_of_week = opening_hours.day_of_week
    left join holidays
        on
            opening_hours.schedule_id = holidays.schedule_id
            and calendar_days_numbered.calendar_date = holidays.holiday_date
    where holidays.schedule_id is null
),

utc_windows as (
    select
        schedule_id,
        timezone,
        local_date,
        {{ local_to_utc('local_open_at', 'timezone') }} as window_start_at,
        {{ local_to_utc('local_close_at', 'timezone') }} as window_end_at
    from local_windows
),

measured_windows as (
    select
        schedule_id,
        timezone,
        local_date,
        window_start_at,
        window_end_at,
        cast({{ seconds_between('window_start_at', 'window_end_at') }} as bigint)
            as window_seconds
    from utc_windows
),

cumulated_windows as (
    select
        schedule_id,
        timezone,
        local_date,
        window_start_at,
        window_end_at,
        window_seconds,
        cast(coalesce(
            sum(window_seconds) over (
                partition by schedule_id
                order by window_start_at
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as bigint) as cumulative_seconds_before,
        lead(window_start_at) over (
            partition by schedule_id
            order by window_start_at
        ) as next_window_start_at
    from measured_windows
)

select * from cumulated_windows
