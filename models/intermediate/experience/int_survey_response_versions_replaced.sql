{#- Where the fct_survey_responses rows that incremental runs replaced were
    (macros/refresh_scope.sql, `keep_replaced`): fct_survey_responses' strategy copies the
    columns below of a response's old row here before it deletes it, `_refreshed_at` = the run
    that replaced it. This model itself selects no row, so a build creates it empty with these
    columns. KPI rollups by month read it to recompute the month a response left as well as the
    one it is in now. -#}
{{ replaced_rows_log_config() }}
with

responses as (
    select * from {{ ref('fct_survey_responses') }}
),

no_rows as (
    select
        response_id,
        responded_date,
        _refreshed_at
    from responses
    where 1 = 0
)

select * from no_rows
