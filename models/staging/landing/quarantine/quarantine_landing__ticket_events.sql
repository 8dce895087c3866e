with base as (
    select * from {{ ref('base_landing__ticket_events') }}
    {{ rows_from_new_files() }}
),

quarantined as (
    {{ quarantined_rows('base', 'ticket_events') }}
)

select * from quarantined
