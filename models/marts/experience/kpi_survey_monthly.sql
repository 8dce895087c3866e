with

responses as (
    select * from {{ ref('fct_survey_responses') }}
),

monthly as (
    select
        {{ month_start('responded_date') }} as date_month,
        survey_type,
        count(*) as responses,
        count(case when is_satisfied then 1 end) as satisfied,
        count(case when not is_satisfied then 1 end) as unsatisfied,
        avg(cast(score as {{ type_double() }})) as avg_score,
        count(case when nps_category = 'promoter' then 1 end) as promoters,
        count(case when nps_category = 'passive' then 1 end) as passives,
        count(case when nps_category = 'detractor' then 1 end) as detractors
    from responses
    group by 1, 2
),

bounds as (
    select
        min(date_month) as first_month,
        max(date_month) as last_month
    from monthly
),

months as (
    {{ month_series('(select first_month from bounds)', '(select last_month from bounds)') }}
),

survey_types as (
    select distinct survey_type from monthly
),

spine as (
    select
        months.date_month,
        survey_types.survey_type
    from months
    cross join survey_types
),

filled as (
    -- csat counts are NULL on non-csat rows and NPS counts NULL on non-nps rows (not applicable);
    -- a month without responses has 0 counts and NULL rates.
    select
        spine.date_month,
        spine.survey_type,
        monthly.avg_score,
        coalesce(monthly.responses, 0) as responses,
        case
            when spine.survey_type = 'csat' then coalesce(monthly.satisfied, 0)
        end as satisfied,
        case
            when spine.survey_type = 'csat' then coalesce(monthly.unsatisfied, 0)
        end as unsatisfied,
        case
            when spine.survey_type = 'csat'
                then
                    100.0 * cast(monthly.satisfied as {{ type_double() }})
                    / nullif(monthly.responses, 0)
        end as csat_pct,
        case
            when spine.survey_type = 'nps' then coalesce(monthly.promoters, 0)
        end as promoters,
        case
            when spine.survey_type = 'nps' then coalesce(monthly.passives, 0)
        end as passives,
        case
            when spine.survey_type = 'nps' then coalesce(monthly.detractors, 0)
        end as detractors,
        case
            when spine.survey_type = 'nps'
                then
                    100.0 * cast((monthly.promoters - monthly.detractors) as {{ type_double() }})
                    / nullif(monthly.responses, 0)
        end as nps
    from spine
    left join monthly
        on
            spine.date_month = monthly.date_month
            and spine.survey_type = monthly.survey_type
)

select * from filled
