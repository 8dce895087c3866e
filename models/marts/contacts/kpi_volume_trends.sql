with

spine as (
    select * from {{ ref('int_contact_volumes_bucketed_to_periods') }}
),

measured as (
    -- a period is complete when every one of its days lies within the data
    select
        spine.*,
        spine.days_in_data = case spine.period_grain
            when 'week' then 7
            when 'month' then {{ dbt.datediff(
                'spine.period_start_date',
                dbt.dateadd('month', 1, 'spine.period_start_date'),
                'day',
            ) }}
            else {{ dbt.datediff(
                'spine.period_start_date',
                dbt.dateadd('year', 1, 'spine.period_start_date'),
                'day',
            ) }}
        end as is_complete_period
    from spine
),

compared as (
    select
        measured.*,
        lag(measured.contacts) over (
            partition by measured.period_grain, measured.source
            order by measured.period_start_date
        ) as previous_period_contacts,
        lag(measured.is_complete_period) over (
            partition by measured.period_grain, measured.source
            order by measured.period_start_date
        ) as is_previous_period_complete,
        max(measured.period_start_date) over (partition by measured.period_grain)
            as last_period_start_date
    from measured
),

final as (
    select
        compared.period_grain,
        compared.period_start_date,
        compared.source,
        compared.key_year as period_year,
        compared.key_number as period_number,
        compared.days_in_data,
        compared.business_days,
        compared.contacts,
        compared.previous_period_contacts,
        year_before.period_start_date as year_before_period_start_date,
        year_before.contacts as year_before_contacts,
        compared.period_start_date = compared.last_period_start_date
            as is_last_period,
        compared.is_complete_period,
        compared.is_previous_period_complete,
        year_before.is_complete_period as is_year_before_period_complete,
        compared.contacts - compared.previous_period_contacts
            as change_vs_previous,
        cast(compared.contacts - compared.previous_period_contacts as {{ type_double() }})
        * 100.0
        / nullif(compared.previous_period_contacts, 0) as change_vs_previous_pct,
        compared.contacts - year_before.contacts as change_vs_year_before,
        cast(compared.contacts - year_before.contacts as {{ type_double() }})
        * 100.0
        / nullif(year_before.contacts, 0) as change_vs_year_before_pct,
        cast(compared.contacts as {{ type_double() }})
        / nullif(compared.business_days, 0) as contacts_per_business_day
    from compared
    left join measured as year_before
        on
            compared.period_grain = year_before.period_grain
            and compared.source = year_before.source
            and compared.key_year - 1 = year_before.key_year
            and compared.key_number = year_before.key_number
)

select * from final
