{#- Where the fct_sla_events rows that incremental runs replaced were (macros/refresh_scope.sql,
    `keep_replaced`): fct_sla_events' strategy copies the columns below of a ticket's old SLA
    rows here before it deletes them, `_refreshed_at` = the run that replaced them. This model
    itself selects no row, so a build creates it empty with these columns. KPI rollups by period
    read it to recompute the periods of a ticket whose SLA targets changed or went away (a
    priority removed leaves no SLA row to say so). -#}
{{ replaced_rows_log_config() }}
with

sla_events as (
    select * from {{ ref('fct_sla_events') }}
),

no_rows as (
    select
        sla_event_id,
        ticket_id,
        breach_at,
        achieved_at,
        _refreshed_at
    from sla_events
    where 1 = 0
)

select * from no_rows
