{#- A view: the classification rules live in the macro classified_ticket_events
    (macros/ticket_helpers.sql), which the per-ticket models apply to the events of the tickets
    they refresh. -#}
with

events as {{ inline_cte() }} (
    select * from {{ ref('stg_landing__ticket_events') }}
),

tickets as {{ inline_cte() }} (
    select * from {{ ref('stg_landing__tickets') }}
),

classified as (
    {{ classified_ticket_events('events', 'tickets') }}
)

select * from classified
