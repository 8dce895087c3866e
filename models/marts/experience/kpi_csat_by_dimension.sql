{%- set dimensions = {
    'agent': 'agent_id',
    'team': 'team_id',
    'channel': 'channel',
    'segment': 'segment',
    'topic': 'topic',
} %}
{%- set responded_month = month_start('responded_date') %}
{#- Incremental per month (macros/refresh_scope.sql): a month is recomputed when a response of
    it was written since, or when a response that was in it was replaced (its old row is in
    int_survey_response_versions_replaced: it may have left the month or changed its slice). -#}
{%- set refresh = {
    'key': 'date_month',
    'upstream': [
        ['fct_survey_responses', responded_month],
        ['int_survey_response_versions_replaced', responded_month],
    ],
    'changed': ['stale_watermark'],
} -%}
{{ refreshed_by_scope(refresh) }}

with

responses as (
    select * from {{ ref('fct_survey_responses') }}
    where {{ in_refresh_scope(refresh, key=responded_month) }}
),

csat_responses as (
    select
        {{ month_start('responded_date') }} as date_month,
        {%- for column in dimensions.values() %}
            {{ column }},
        {%- endfor %}
        is_satisfied,
        score
    from responses
    where survey_type = 'csat'
),

by_dimension as (
    {%- for dimension, column in dimensions.items() %}
        select
            date_month,
            '{{ dimension }}' as dimension,
            coalesce({{ column }}, 'unknown') as dimension_value,
            count(*) as responses,
            count(case when is_satisfied then 1 end) as satisfied,
            avg(cast(score as {{ type_double() }})) as avg_score
        from csat_responses
        group by 1, 2, 3
        {%- if not loop.last %}

            union all
        {% endif %}
    {%- endfor %}
),

rated as (
    select
        date_month,
        dimension,
        dimension_value,
        responses,
        satisfied,
        avg_score,
        100.0 * cast(satisfied as {{ type_double() }}) / nullif(responses, 0) as csat_pct,
        {{ refreshed_at() }} as _refreshed_at
    from by_dimension
)

select * from rated
