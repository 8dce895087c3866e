{#- Period helpers of the experience marts (surveys, complaints, workflows, self-service,
    retention, turnover). Built only from the portable pieces of cross_db.sql and dbt's own
    cross-database macros, so nothing here needs dispatching. -#}

{#- First day (a date) of the month of a date expression. -#}
{% macro month_start(date_expr) -%}
    cast({{ dbt.date_trunc('month', date_expr) }} as date)
{%- endmacro %}

{#- Monday (a date) of the week of a date expression; weeks start on Monday on every engine
    (ISO weeks). -#}
{% macro week_start(date_expr) -%}
    cast({{ dbt.date_trunc('week', date_expr) }} as date)
{%- endmacro %}

{#- First day of the reporting month (REPORTING_TIMEZONE) of a naive UTC timestamp. -#}
{% macro reporting_month(ts_utc) -%}
    {{ month_start(reporting_date(ts_utc)) }}
{%- endmacro %}

{#- Monday of the reporting week (REPORTING_TIMEZONE) of a naive UTC timestamp. -#}
{% macro reporting_week(ts_utc) -%}
    {{ week_start(reporting_date(ts_utc)) }}
{%- endmacro %}

{#- One row per month (column date_month, its first day) from the month of start_date_expr to
    the month of end_date_expr, both inclusive. The arguments are SQL date expressions (scalar
    subqueries allowed). -#}
{% macro month_series(start_date_expr, end_date_expr) -%}
    select date_day as date_month
    from ({{ day_series(month_start(start_date_expr), end_date_expr) }}) as days
    where date_day = {{ month_start('date_day') }}
{%- endmacro %}

{#- One row per week (column date_week, its Monday) from the week of start_date_expr to the week
    of end_date_expr, both inclusive. -#}
{% macro week_series(start_date_expr, end_date_expr) -%}
    select date_day as date_week
    from ({{ day_series(week_start(start_date_expr), end_date_expr) }}) as days
    where date_day = {{ week_start('date_day') }}
{%- endmacro %}

{#- kpi_survey_monthly's spine: one row per month (date_month) and survey type, every month from
    the first to the last month with a response, for every survey type seen. `responses` is a
    relation or CTE with responded_date and survey_type. -#}
{% macro survey_month_spine(responses) -%}
    select
        months.date_month,
        survey_types.survey_type
    from (
        {{ month_series(
            '(select min(responded_date) from ' ~ responses ~ ')',
            '(select max(responded_date) from ' ~ responses ~ ')',
        ) }}
    ) as months
    cross join (select distinct survey_type from {{ responses }}) as survey_types
{%- endmacro %}

{#- kpi_self_service's spine: one row per week (date_week), every week from the first to the
    last with a knowledge-base view. `views` is a relation or CTE with viewed_date. -#}
{% macro self_service_week_spine(views) -%}
    {{ week_series(
        '(select min(viewed_date) from ' ~ views ~ ')',
        '(select max(viewed_date) from ' ~ views ~ ')',
    ) }}
{%- endmacro %}

{#- True when a ';'-joined token list (fct_tickets.tags) holds any of the tokens, compared
    case-insensitively. An empty token list matches nothing. -#}
{% macro list_contains_any_token(list_expr, tokens) -%}
    {%- if tokens | length == 0 -%}
        false
    {%- else -%}
        (
        {%- for token in tokens %}
            {{ list_contains_token('lower(' ~ list_expr ~ ')', "'" ~ (token | lower | replace("'", "''")) ~ "'") }}
            {%- if not loop.last %} or{% endif %}
        {%- endfor %}
        )
    {%- endif -%}
{%- endmacro %}

{#- The reporting month of the first contact in fct_contacts, as a scalar subquery (NULL when
    there is none): kpi_support_overview_monthly's months before it have no support data, so
    their counts are NULL, not 0. -#}
{% macro first_contact_month() -%}
    (select {{ reporting_month('min(started_at)') }} from {{ ref('fct_contacts') }})
{%- endmacro %}
