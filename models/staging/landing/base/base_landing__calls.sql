{%- set cleaned_columns = [
    'call_id',
    'customer_id',
    'agent_id',
    'team_id',
    'ticket_id',
    'direction',
    'hold_seconds',
    'wrap_up_seconds',
    'queued_at',
    'answered_at',
    'ended_at',
] -%}
{#- A hold or wrap-up over a billion seconds (31 years) is an export error, and the exact
    seconds of a call's handle time (decimal(18, 6), below 10^12) must hold their sum. -#}
{%- set max_call_part_seconds = 1000000000 -%}
with source as {{ inline_cte() }} (
    select * from {{ source('landing', 'calls') }}
    {{ rows_from_new_files() }}
),

cleaned as (
    select
        -- ids
        {{ clean_text('call_id') }} as call_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('agent_id') }} as agent_id,
        {{ clean_text('team_id') }} as team_id,
        {{ clean_text('ticket_id') }} as ticket_id,
        -- strings
        {{ canonical_token('direction', 'call_direction') }} as direction,
        -- numerics
        {{ text_to_double('hold_seconds') }} as hold_seconds,
        {{ text_to_double('wrap_up_seconds') }} as wrap_up_seconds,
        -- timestamps
        {{ text_to_utc('queued_at') }} as queued_at,
        {{ text_to_utc('answered_at') }} as answered_at,
        {{ text_to_utc('ended_at') }} as ended_at,
        -- values as delivered (raw_<column>) and load metadata
        {{ landing_passthrough_columns('calls') }}
    from source
),

checked as (
    select
        *,
        {{ quarantine_reason([
            reason_missing('call_id'),
            reason_missing('queued_at'),
            reason_unparseable('queued_at'),
            reason_unparseable('answered_at'),
            reason_unparseable('ended_at'),
            reason_missing('direction'),
            reason_unknown('direction'),
            reason_unparseable('hold_seconds'),
            reason_negative('hold_seconds'),
            reason_too_large('hold_seconds', max_call_part_seconds),
            reason_unparseable('wrap_up_seconds'),
            reason_negative('wrap_up_seconds'),
            reason_too_large('wrap_up_seconds', max_call_part_seconds),
            reason_before('answered_at', 'queued_at'),
            reason_before('ended_at', 'queued_at'),
        ]) }} as quarantine_reason
    from cleaned
),

traced as (
    {{ base_rows('checked', 'source', 'calls', 'call_id', cleaned_columns) }}
)

select * from traced
