{#- `earlier_versions` (macros/refresh_scope.sql): a ticket whose events were re-delivered under
    another ticket may have no reply turns left: an upstream key that loses all its rows writes
    no row to see, so the parents named by earlier versions of the records staged since are in
    scope here too. -#}
{%- set refresh = {
    'key': 'ticket_id',
    'upstream': [['int_ticket_reply_turns_paired', 'ticket_id']],
    'earlier_versions': ['ticket_events'],
} -%}
{{ refreshed_by_scope(refresh) }}
with

turns as (
    select * from {{ ref('int_ticket_reply_turns_paired') }}
    where {{ in_refresh_scope(refresh) }}
),

answered as (
    select
        {{ dbt.concat(['ticket_id', "':'", 'cast(turn_number as ' ~ dbt.type_string() ~ ')']) }}
            as reply_id,
        ticket_id,
        turn_number,
        agent_id,
        reply_event_id,
        turn_event_id,
        schedule_id,
        turn_started_at,
        replied_at,
        reply_minutes,
        reply_business_minutes,
        {{ refreshed_at() }} as _refreshed_at
    from turns
    where is_answered
)

select * from answered
