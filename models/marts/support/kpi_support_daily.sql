{%- set sla_metrics = ['first_response', 'next_response', 'resolution'] -%}
with

tickets as (
    select * from {{ ref('fct_tickets') }}
),

replies as (
    select * from {{ ref('fct_ticket_replies') }}
),

sla_events as (
    select * from {{ ref('fct_sla_events') }}
),

status_periods as (
    select * from {{ ref('int_ticket_status_periods_derived') }}
),

created_daily as (
    select
        {{ reporting_date('created_at') }} as date_day,
        channel,
        coalesce(team_id, 'unassigned') as team_id,
        count(*) as new_tickets,
        percentile_cont(0.5) within group (order by first_response_minutes)
            as median_first_response_minutes,
        percentile_cont(0.9) within group (order by first_response_minutes)
            as p90_first_response_minutes,
        percentile_cont(0.5) within group (order by first_response_business_minutes)
            as median_first_response_business_minutes,
        percentile_cont(0.9) within group (order by first_response_business_minutes)
            as p90_first_response_business_minutes
    from tickets
    group by 1, 2, 3
),

solved_daily as (
    select
        {{ reporting_date('last_solved_at') }} as date_day,
        channel,
        coalesce(team_id, 'unassigned') as team_id,
        count(*) as solved_tickets,
        count(case when is_one_touch_resolution then 1 end) as one_touch_tickets,
        percentile_cont(0.5) within group (order by full_resolution_business_minutes)
            as median_full_resolution_business_minutes
    from tickets
    where is_solved and last_solved_at is not null
    group by 1, 2, 3
),

reopened_daily as (
    -- A reopen starts a status period (int_ticket_status_periods_derived flags it).
    select
        {{ reporting_date('status_periods.started_at') }} as date_day,
        tickets.channel,
        coalesce(tickets.team_id, 'unassigned') as team_id,
        count(*) as reopened_tickets
    from status_periods
    inner join tickets
        on status_periods.ticket_id = tickets.ticket_id
    where status_periods.is_reopen
    group by 1, 2, 3
),

replies_daily as (
    select
        {{ reporting_date('replies.replied_at') }} as date_day,
        tickets.channel,
        coalesce(tickets.team_id, 'unassigned') as team_id,
        percentile_cont(0.5) within group (order by replies.reply_minutes)
            as median_reply_minutes
    from replies
    inner join tickets
        on replies.ticket_id = tickets.ticket_id
    group by 1, 2, 3
),

sla_settled as (
    -- An SLA target is settled when it was achieved in time, or when it breached.
    select
        sla_metric,
        channel,
        is_breached,
        coalesce(team_id, 'unassigned') as team_id,
        case when is_breached then breach_at else achieved_at end as settled_at
    from sla_events
    where is_breached is not null
),

sla_daily as (
    select
        {{ reporting_date('settled_at') }} as date_day,
        channel,
        team_id,
        {%- for metric in sla_metrics %}
            count(case when sla_metric = '{{ metric }}' then 1 end) as {{ metric }}_sla_settled,
            count(case when sla_metric = '{{ metric }}' and not is_breached then 1 end)
                as {{ metric }}_sla_met,
        {%- endfor %}
        count(*) as sla_settled
    from sla_settled
    group by 1, 2, 3
),

backlog_moves as (
    -- +1 when an unsolved status period starts, -1 when it ends (running periods never end).
    select
        {{ reporting_date('status_periods.started_at') }} as date_day,
        tickets.channel,
        coalesce(tickets.team_id, 'unassigned') as team_id,
        1 as backlog_change
    from status_periods
    inner join tickets
        on status_periods.ticket_id = tickets.ticket_id
    where status_periods.status in ('new', 'open', 'pending', 'on_hold')

    union all

    select
        {{ reporting_date('status_periods.ended_at') }} as date_day,
        tickets.channel,
        coalesce(tickets.team_id, 'unassigned') as team_id,
        -1 as backlog_change
    from status_periods
    inner join tickets
        on status_periods.ticket_id = tickets.ticket_id
    where
        status_periods.status in ('new', 'open', 'pending', 'on_hold')
        and not status_periods.is_current
),

backlog_daily as (
    select
        date_day,
        channel,
        team_id,
        sum(backlog_change) as backlog_change
    from backlog_moves
    group by 1, 2, 3
),

activity_days as (
    select date_day from created_daily
    union all
    select date_day from solved_daily
),

bounds as (
    select
        min(date_day) as first_day,
        max(date_day) as last_day
    from activity_days
),

days as (
    {{ day_series('(select first_day from bounds)', '(select last_day from bounds)') }}
),

slices as (
    select distinct
        channel,
        team_id
    from created_daily
),

spine as (
    select
        days.date_day,
        slices.channel,
        slices.team_id
    from days
    cross join slices
),

{%- set joins = ['created_daily', 'solved_daily', 'reopened_daily', 'replies_daily',
                 'sla_daily', 'backlog_daily'] %}

joined as (
    select
        spine.date_day,
        spine.channel,
        spine.team_id,
        created_daily.median_first_response_minutes,
        created_daily.p90_first_response_minutes,
        created_daily.median_first_response_business_minutes,
        created_daily.p90_first_response_business_minutes,
        replies_daily.median_reply_minutes,
        solved_daily.median_full_resolution_business_minutes,
        coalesce(created_daily.new_tickets, 0) as new_tickets,
        coalesce(solved_daily.solved_tickets, 0) as solved_tickets,
        coalesce(reopened_daily.reopened_tickets, 0) as reopened_tickets,
        sum(coalesce(backlog_daily.backlog_change, 0)) over (
            partition by spine.channel, spine.team_id
            order by spine.date_day
            rows between unbounded preceding and current row
        ) as backlog_tickets,
        100.0 * cast(solved_daily.one_touch_tickets as {{ type_double() }})
        / nullif(solved_daily.solved_tickets, 0) as one_touch_resolution_pct,
    {%- for metric in sla_metrics %}
        coalesce(sla_daily.{{ metric }}_sla_settled, 0) as {{ metric }}_sla_settled,
        100.0 * cast(sla_daily.{{ metric }}_sla_met as {{ type_double() }})
        / nullif(sla_daily.{{ metric }}_sla_settled, 0) as {{ metric }}_sla_attainment_pct
        {{- "," if not loop.last }}
    {%- endfor %}
    from
        spine
    {%- for cte in joins %}
    left join {{ cte }}
        on
            spine.date_day = {{ cte }}.date_day
            and spine.channel = {{ cte }}.channel
            and spine.team_id = {{ cte }}.team_id
    {%- endfor %}
)

select * from joined
