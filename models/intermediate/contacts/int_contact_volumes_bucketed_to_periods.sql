with

contacts as (
    select * from {{ ref('int_contacts_unioned') }}
),

holidays as (
    select * from {{ ref('holidays') }}
),

counted_contacts as (
    -- Contacts that started before the as-of instant.
    select
        source,
        {{ reporting_date('started_at') }} as started_date
    from contacts
    where started_at < {{ as_of_timestamp() }}
),

bounds as (
    select
        min(started_date) as first_date,
        max(started_date) as last_date
    from counted_contacts
),

days as (
    {{ day_series(
        '(select first_date from bounds)', '(select last_date from bounds)'
    ) }}
),

default_holidays as (
    select distinct holiday_date
    from holidays
    where schedule_id = '{{ var("default_schedule_id") }}'
),

days_flagged as (
    select
        days.date_day,
        cast({{ dbt.date_trunc('week', 'days.date_day') }} as date)
            as week_start_date,
        cast({{ dbt.date_trunc('month', 'days.date_day') }} as date)
            as month_start_date,
        cast({{ dbt.date_trunc('year', 'days.date_day') }} as date)
            as year_start_date,
        {{ iso_day_of_week('days.date_day') }} <= 5
        and default_holidays.holiday_date is null as is_business_day
    from days
    left join default_holidays
        on days.date_day = default_holidays.holiday_date
),

periods as (
    {%- for grain in ['week', 'month', 'year'] %}
        select
            '{{ grain }}' as period_grain,
            {{ grain }}_start_date as period_start_date,
            count(*) as days_in_data,
            count(case when is_business_day then 1 end) as business_days
        from days_flagged
        group by 1, 2
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

periods_keyed as (
    -- Calendar keys for the year-over-year match: ISO year + ISO week for weeks, year + month
    -- for months, year for years. Never "minus 365 days", so leap years need no special case.
    select
        period_grain,
        period_start_date,
        days_in_data,
        business_days,
        case
            when period_grain = 'week' then {{ iso_year('period_start_date') }}
            else cast(extract(year from period_start_date) as integer)
        end as key_year,
        case
            when period_grain = 'week' then {{ iso_week('period_start_date') }}
            when period_grain = 'month'
                then cast(extract(month from period_start_date) as integer)
            else 0
        end as key_number
    from periods
),

sources as (
    select 'all' as source  -- noqa: RF04
    union all
    select 'ticket' as source  -- noqa: RF04
    union all
    select 'chat' as source  -- noqa: RF04
    union all
    select 'call' as source  -- noqa: RF04
),

contact_days as (
    select
        source,
        started_date,
        count(*) as contacts
    from counted_contacts
    group by 1, 2
),

contact_days_all as (
    select
        source,
        started_date,
        contacts
    from contact_days
    union all
    select
        'all' as source,  -- noqa: RF04
        started_date,
        cast(sum(contacts) as bigint) as contacts
    from contact_days
    group by 1, 2
),

period_contacts as (
    {%- for grain in ['week', 'month', 'year'] %}
        select
            '{{ grain }}' as period_grain,
            days_flagged.{{ grain }}_start_date as period_start_date,
            contact_days_all.source,
            cast(sum(contact_days_all.contacts) as bigint) as contacts
        from contact_days_all
        inner join days_flagged
            on contact_days_all.started_date = days_flagged.date_day
        group by 1, 2, 3
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

spine as (
    select
        periods_keyed.period_grain,
        periods_keyed.period_start_date,
        periods_keyed.key_year,
        periods_keyed.key_number,
        periods_keyed.days_in_data,
        periods_keyed.business_days,
        sources.source,
        coalesce(period_contacts.contacts, 0) as contacts
    from periods_keyed
    cross join sources
    left join period_contacts
        on
            periods_keyed.period_grain = period_contacts.period_grain
            and periods_keyed.period_start_date = period_contacts.period_start_date
            and sources.source = period_contacts.source
)

select * from spine
