{#- Where the fct_tickets rows that incremental runs replaced were (macros/refresh_scope.sql,
    `keep_replaced`): fct_tickets' strategy copies the columns below of a ticket's old row here
    before it deletes it, `_refreshed_at` = the run that replaced it. This model itself selects
    no row, so a build creates it empty with these columns. KPI rollups by period read it to
    recompute the months a re-delivered ticket left (another created_at or last solve). -#}
{{ replaced_rows_log_config() }}
with

tickets as (
    select * from {{ ref('fct_tickets') }}
),

no_rows as (
    select
        ticket_id,
        created_at,
        last_solved_at,
        _refreshed_at
    from tickets
    where 1 = 0
)

select * from no_rows
