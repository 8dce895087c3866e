{%- set responded_month = month_start('responded_date') %}
{#- Incremental per month (macros/refresh_scope.sql): a month is recomputed when a response of
    it was written since, when a response that was in it was replaced (its old row is in
    int_survey_response_versions_replaced), or when the month x survey type spine changed there
    (check `survey_month_spine`: a month the responses' range newly spans, every month for a new
    survey type, a month the range no longer spans). -#}
{%- set refresh = {
    'key': 'date_month',
    'upstream': [
        ['fct_survey_responses', responded_month],
        ['int_survey_response_versions_replaced', responded_month],
    ],
    'changed': ['stale_watermark', 'survey_month_spine'],
} -%}
{{ refreshed_by_scope(refresh) }}

with

responses as (
    select * from {{ ref('fct_survey_responses') }}
),

spine as (
    {{ survey_month_spine('responses') }}
),

spine_in_scope as (
    select * from spine
    where {{ in_refresh_scope(refresh) }}
),

responses_in_scope as (
    select * from responses
    where {{ in_refresh_scope(refresh, key=responded_month) }}
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
    from responses_in_scope
    group by 1, 2
),

filled as (
    -- csat counts are NULL on non-csat rows and NPS counts NULL on non-nps rows (not applicable);
    -- a month without responses has 0 counts and NULL rates.
    select
        spine_in_scope.date_month,
        spine_in_scope.survey_type,
        monthly.avg_score,
        coalesce(monthly.responses, 0) as responses,
        case
            when spine_in_scope.survey_type = 'csat' then coalesce(monthly.satisfied, 0)
        end as satisfied,
        case
            when spine_in_scope.survey_type = 'csat' then coalesce(monthly.unsatisfied, 0)
        end as unsatisfied,
        case
            when spine_in_scope.survey_type = 'csat'
                then
                    100.0 * cast(monthly.satisfied as {{ type_double() }})
                    / nullif(monthly.responses, 0)
        end as csat_pct,
        case
            when spine_in_scope.survey_type = 'nps' then coalesce(monthly.promoters, 0)
        end as promoters,
        case
            when spine_in_scope.survey_type = 'nps' then coalesce(monthly.passives, 0)
        end as passives,
        case
            when spine_in_scope.survey_type = 'nps' then coalesce(monthly.detractors, 0)
        end as detractors,
        case
            when spine_in_scope.survey_type = 'nps'
                then
                    100.0 * cast((monthly.promoters - monthly.detractors) as {{ type_double() }})
                    / nullif(monthly.responses, 0)
        end as nps,
        {{ refreshed_at() }} as _refreshed_at
    from spine_in_scope
    left join monthly
        on
            spine_in_scope.date_month = monthly.date_month
            and spine_in_scope.survey_type = monthly.survey_type
)

select * from filled
