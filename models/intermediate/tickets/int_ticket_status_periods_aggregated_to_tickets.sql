{%- set statuses = ['new', 'open', 'pending', 'on_hold'] -%}
{#- A ticket whose current period is in a counted status has a running clock: its times grow
    until the as-of instant, so an incremental run recomputes it (macros/refresh_scope.sql). -#}
{%- set refresh = {
    'key': 'ticket_id',
    'upstream': [['int_ticket_status_periods_derived', 'ticket_id']],
    'running_clock': 'has_running_status_clock',
} -%}
{{ refreshed_by_scope(refresh) }}
with

periods as (
    select * from {{ ref('int_ticket_status_periods_derived') }}
    where {{ in_refresh_scope(refresh) }}
),

aggregated as (
    -- Sums over exact seconds (macros/cross_db.sql: exact_sum): a rerun on the same data gives
    -- the same minutes to the last digit, whatever order the threads add the periods in.
    select
        ticket_id,
        max(schedule_id) as schedule_id,
        max(
            case
                when is_current and status in ('new', 'open', 'pending', 'on_hold') then 1 else 0
            end
        ) = 1 as has_running_status_clock,
        {%- for status in statuses %}
            coalesce(
                {{ exact_sum("case when status = '" ~ status ~ "' then calendar_seconds end") }},
                0
            ) / 60.0 as {{ status }}_minutes,
            coalesce(
                {{ exact_sum("case when status = '" ~ status ~ "' then business_seconds end") }},
                0
            ) / 60.0 as {{ status }}_business_minutes_or_zero,
        {%- endfor %}
        -- Business minutes are NULL (never 0) when the ticket's schedule is unknown (a period
        -- with an end but no business seconds).
        count(ended_at) = count(business_seconds) as has_business_clock
    from periods
    group by 1
),

business_checked as (
    select
        ticket_id,
        schedule_id,
        has_running_status_clock,
        {%- for status in statuses %}
            {{ status }}_minutes,
            case
                when has_business_clock then {{ status }}_business_minutes_or_zero
            end as {{ status }}_business_minutes,
        {%- endfor %}
        has_business_clock
    from aggregated
),

combined as (
    select
        ticket_id,
        schedule_id,
        has_running_status_clock,
        pending_minutes as agent_wait_minutes,
        pending_business_minutes as agent_wait_business_minutes,
        on_hold_minutes,
        on_hold_business_minutes,
        new_minutes,
        open_minutes,
        pending_minutes,
        new_business_minutes,
        open_business_minutes,
        pending_business_minutes,
        new_minutes + open_minutes + on_hold_minutes as requester_wait_minutes,
        new_business_minutes + open_business_minutes + on_hold_business_minutes
            as requester_wait_business_minutes,
        new_minutes + open_minutes as agent_work_minutes,
        new_business_minutes + open_business_minutes as agent_work_business_minutes,
        {{ refreshed_at() }} as _refreshed_at
    from business_checked
)

select * from combined
