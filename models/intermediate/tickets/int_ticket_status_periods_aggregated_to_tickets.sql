{%- set statuses = ['new', 'open', 'pending', 'on_hold'] -%}
with

periods as (
    select * from {{ ref('int_ticket_status_periods_derived') }}
),

aggregated as (
    -- Sums over exact seconds (macros/cross_db.sql: exact_sum): a rerun on the same data gives
    -- the same minutes to the last digit, whatever order the threads add the periods in.
    select
        ticket_id,
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
        -- Business minutes are NULL (never 0) when the ticket's schedule is unknown.
        count(*) = count(business_seconds) as has_business_clock
    from periods
    group by 1
),

business_checked as (
    select
        ticket_id,
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
        new_business_minutes + open_business_minutes as agent_work_business_minutes
    from business_checked
)

select * from combined
