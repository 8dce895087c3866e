{{ config(
    materialized='table' if target.type == 'spark' else 'incremental',
    incremental_strategy='replace_ticket_scope',
    on_schema_change='fail',
) }}
-- depends_on: {{ ref('stg_landing__tickets') }}
-- depends_on: {{ ref('stg_landing__ticket_events') }}
-- depends_on: {{ ref('int_tickets_joined_to_schedules') }}
with

turns as (
    select * from {{ ref('int_ticket_reply_turns_paired') }}
    where {{ in_ticket_refresh_scope() }}
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
        _last_file_id
    from turns
    where is_answered
)

select * from answered
