with

agents as (
    select * from {{ ref('stg_landing__agents') }}
),

agent_months as (
    select
        agent_id,
        {{ reporting_month('hired_at') }} as hire_month,
        {{ reporting_month('left_at') }} as leave_month
    from agents
),

bounds as (
    select
        coalesce(
            min(hire_month), min(leave_month), {{ reporting_month(as_of_timestamp()) }}
        ) as first_month,
        {{ reporting_month(as_of_timestamp()) }} as last_month
    from agent_months
),

months as (
    {{ month_series('(select first_month from bounds)', '(select last_month from bounds)') }}
),

monthly as (
    -- An agent with no hire date counts as employed since before the first month.
    select
        months.date_month,
        count(
            case
                when
                    (agent_months.hire_month is null or agent_months.hire_month < months.date_month)
                    and (
                        agent_months.leave_month is null
                        or agent_months.leave_month >= months.date_month
                    )
                    then 1
            end
        ) as headcount_at_start,
        count(
            case
                when
                    (
                        agent_months.hire_month is null
                        or agent_months.hire_month <= months.date_month
                    )
                    and (
                        agent_months.leave_month is null
                        or agent_months.leave_month > months.date_month
                    )
                    then 1
            end
        ) as headcount_at_end,
        count(case when agent_months.hire_month = months.date_month then 1 end) as hires,
        count(case when agent_months.leave_month = months.date_month then 1 end) as leavers
    from months
    cross join agent_months
    group by 1
),

rated as (
    select
        date_month,
        headcount_at_start,
        headcount_at_end,
        hires,
        leavers,
        cast(headcount_at_start + headcount_at_end as {{ type_double() }}) / 2 as average_headcount,
        100.0 * cast(leavers as {{ type_double() }})
        / nullif((headcount_at_start + headcount_at_end) / 2.0, 0) as turnover_rate_pct
    from monthly
)

select * from rated
