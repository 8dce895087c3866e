{#- Where the fct_contacts rows that incremental runs replaced were (macros/refresh_scope.sql,
    `keep_replaced`): fct_contacts' strategy copies the columns below of a contact's old row here
    before it deletes it, `_refreshed_at` = the run that replaced it. This model itself selects no
    row, so a build creates it empty with these columns. KPI rollups by month read it to
    recompute the month a contact left as well as the one it is in now, and the per-customer
    totals the customer it left. -#}
{{ replaced_rows_log_config() }}
with

contacts as (
    select * from {{ ref('fct_contacts') }}
),

no_rows as (
    select
        contact_id,
        customer_id,
        started_date,
        _refreshed_at
    from contacts
    where 1 = 0
)

select * from no_rows
