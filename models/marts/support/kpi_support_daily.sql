{%- set sla_metrics = ['first_response', 'next_response', 'resolution'] -%}
{%- set created_day = reporting_date('created_at') %}
{%- set solved_day = reporting_date('last_solved_at') %}
{#- Incremental per day (macros/refresh_scope.sql). A day is recomputed from the facts (it is
    `touched`) when a ticket created or solved in it was written since, or one that was in it
    was replaced (the log keeps its old row); when a reply of it was written since; when an SLA
    target that breaches or was achieved in it was written or replaced since; when an earlier
    version of a ticket event staged since was in it; when it holds an event of a ticket that
    was staged or written since, has an event staged since or that an earlier version of such
    an event named (its reopens, replies and backlog moves count under its current channel and
    team); and when the spine and the stored rows differ on it. The backlog at the end of a day
    is a running total over every earlier day, so every stored day from the earliest touched day
    on is in scope too: a day not touched keeps its stored figures, and its backlog is its
    stored change over the day before, continued from the recomputed days. -#}
{%- set refresh = {
    'key': 'date_day',
    'upstream': [
        ['fct_tickets', created_day],
        ['fct_tickets', solved_day],
        ['int_ticket_versions_replaced', created_day],
        ['int_ticket_versions_replaced', solved_day],
        ['fct_ticket_replies', reporting_date('replied_at')],
        ['fct_sla_events', reporting_date('breach_at')],
        ['fct_sla_events', reporting_date('achieved_at')],
        ['int_sla_event_versions_replaced', reporting_date('breach_at')],
        ['int_sla_event_versions_replaced', reporting_date('achieved_at')],
    ],
    'earlier_versions': [['ticket_events', reporting_date('created_at')]],
    'changed': ['support_ticket_event_days', 'support_daily_spine', 'stale_watermark'],
    'running_total': true,
} -%}
{{ refreshed_by_scope(refresh) }}
{#- The guard and the dependencies of in_refresh_scope (the filters below use the keys the
    model computes once, touched_keys and scope_keys). -#}
{%- do in_refresh_scope(refresh) %}
{#- An incremental run reads only the facts of the touched days. Spark rebuilds the table in
    full every run (refreshed_by_scope); its only incremental query is the unit test's, where
    these filters would repeat the scope query in every step (Spark inlines each reference to
    a CTE) and the plan would outgrow the driver: there the steps aggregate every fact and the
    spine keeps the touched days, with the same result. -#}
{%- set prefilter = is_incremental() and target.type != 'spark' %}
{#- The touched days: in a run, the table the pre-hook stored them in (its size tells the engine
    that they are few: as a CTE, DuckDB hashed every status period to find them); in a unit
    test, the CTE below. -#}
{%- set touched = touched_keys_table() if scope_keys_stored() else 'touched_keys' %}

with
{%- if is_incremental() %}

touched_keys as (
    -- The days recomputed from the facts.
    {%- if scope_keys_stored() %}
    select refresh_key from {{ touched_keys_table() }}
    {%- else %}
    {{ refresh_scope_keys(refresh, touched=true) }}
    {%- endif %}
),

scope_keys as (
    -- Every day in scope: the touched days and every stored day from the earliest on.
    {%- if scope_keys_stored() %}
    select refresh_key from {{ scope_keys_table() }}
    {%- else %}
    {{ running_total_keys(refresh, 'touched_keys') }}
    {%- endif %}
),
{%- endif %}

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
    -- in an incremental run, the periods that start or end on a touched day (the reopens and
    -- backlog moves below count those days only)
    select * from {{ ref('int_ticket_status_periods_derived') }}
    where
        {{ in_scope_keys(reporting_date('started_at'), touched, prefilter) }}
        or {{ in_scope_keys(reporting_date('ended_at'), touched, prefilter) }}
),

spine as (
    {{ support_daily_spine('tickets') }}
),

created_daily as (
    select
        {{ reporting_date('tickets.created_at') }} as date_day,
        tickets.channel,
        coalesce(tickets.team_id, 'unassigned') as team_id,
        count(*) as new_tickets,
        percentile_cont(0.5) within group (order by tickets.first_response_minutes)
            as median_first_response_minutes,
        percentile_cont(0.9) within group (order by tickets.first_response_minutes)
            as p90_first_response_minutes,
        percentile_cont(0.5) within group (order by tickets.first_response_business_minutes)
            as median_first_response_business_minutes,
        percentile_cont(0.9) within group (order by tickets.first_response_business_minutes)
            as p90_first_response_business_minutes
    from tickets
    where {{ in_scope_keys(reporting_date('tickets.created_at'), touched, prefilter) }}
    group by 1, 2, 3
),

solved_daily as (
    select
        {{ reporting_date('tickets.last_solved_at') }} as date_day,
        tickets.channel,
        coalesce(tickets.team_id, 'unassigned') as team_id,
        count(*) as solved_tickets,
        count(case when tickets.is_one_touch_resolution then 1 end) as one_touch_tickets,
        percentile_cont(0.5) within group (order by tickets.full_resolution_business_minutes)
            as median_full_resolution_business_minutes
    from tickets
    where
        tickets.is_solved
        and tickets.last_solved_at is not null
        and {{ in_scope_keys(reporting_date('tickets.last_solved_at'), touched, prefilter) }}
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
    where
        status_periods.is_reopen
        and {{ in_scope_keys(
            reporting_date('status_periods.started_at'), touched, prefilter
        ) }}
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
    where {{ in_scope_keys(reporting_date('replies.replied_at'), touched, prefilter) }}
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
        {{ reporting_date('sla_settled.settled_at') }} as date_day,
        sla_settled.channel,
        sla_settled.team_id,
        {%- for metric in sla_metrics %}
            count(case when sla_settled.sla_metric = '{{ metric }}' then 1 end)
                as {{ metric }}_sla_settled,
            count(
                case
                    when sla_settled.sla_metric = '{{ metric }}' and not sla_settled.is_breached
                        then 1
                end
            ) as {{ metric }}_sla_met,
        {%- endfor %}
        count(*) as sla_settled
    from sla_settled
    where {{ in_scope_keys(reporting_date('sla_settled.settled_at'), touched, prefilter) }}
    group by 1, 2, 3
),

backlog_moves as (
    -- +1 when an unsolved status period starts, -1 when it ends (running periods never end);
    -- in an incremental run, the moves on the touched days.
    select
        {{ reporting_date('status_periods.started_at') }} as date_day,
        tickets.channel,
        coalesce(tickets.team_id, 'unassigned') as team_id,
        1 as backlog_change
    from status_periods
    inner join tickets
        on status_periods.ticket_id = tickets.ticket_id
    where
        status_periods.status in ('new', 'open', 'pending', 'on_hold')
        and {{ in_scope_keys(
            reporting_date('status_periods.started_at'), touched, prefilter
        ) }}

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
        and {{ in_scope_keys(
            reporting_date('status_periods.ended_at'), touched, prefilter
        ) }}
),

backlog_daily as (
    select
        backlog_moves.date_day,
        backlog_moves.channel,
        backlog_moves.team_id,
        sum(backlog_moves.backlog_change) as backlog_change
    from backlog_moves
    group by 1, 2, 3
),

spine_touched as (
    -- The rows recomputed from the facts (every row in a full build).
    select *
    from spine
    where {{ in_scope_keys('date_day', touched, is_incremental()) }}
),

{%- set joins = ['created_daily', 'solved_daily', 'reopened_daily', 'replies_daily',
                 'sla_daily', 'backlog_daily'] %}

recomputed as (
    select
        spine_touched.date_day,
        spine_touched.channel,
        spine_touched.team_id,
        created_daily.median_first_response_minutes,
        created_daily.p90_first_response_minutes,
        created_daily.median_first_response_business_minutes,
        created_daily.p90_first_response_business_minutes,
        replies_daily.median_reply_minutes,
        solved_daily.median_full_resolution_business_minutes,
        coalesce(created_daily.new_tickets, 0) as new_tickets,
        coalesce(solved_daily.solved_tickets, 0) as solved_tickets,
        coalesce(reopened_daily.reopened_tickets, 0) as reopened_tickets,
        coalesce(backlog_daily.backlog_change, 0) as backlog_change,
        100.0 * cast(solved_daily.one_touch_tickets as {{ type_double() }})
        / nullif(solved_daily.solved_tickets, 0) as one_touch_resolution_pct,
    {%- for metric in sla_metrics %}
        coalesce(sla_daily.{{ metric }}_sla_settled, 0) as {{ metric }}_sla_settled,
        100.0 * cast(sla_daily.{{ metric }}_sla_met as {{ type_double() }})
        / nullif(sla_daily.{{ metric }}_sla_settled, 0) as {{ metric }}_sla_attainment_pct
        {{- "," if not loop.last }}
    {%- endfor %}
    from
        spine_touched
    {%- for cte in joins %}
    left join {{ cte }}
        on
            spine_touched.date_day = {{ cte }}.date_day
            and spine_touched.channel = {{ cte }}.channel
            and spine_touched.team_id = {{ cte }}.team_id
    {%- endfor %}
),

{%- if is_incremental() %}

stored as (
    select
        *,
        -- The change of the backlog over the day before, as stored (the stored days are
        -- consistent with each other, whichever of them this run recomputes).
        backlog_tickets - coalesce(
            lag(backlog_tickets) over (partition by channel, team_id order by date_day), 0
        ) as backlog_change
    from {{ this }}
),

carried as (
    -- Days in scope whose inputs did not change: their stored figures, their backlog continued.
    select
        date_day,
        channel,
        team_id,
        median_first_response_minutes,
        p90_first_response_minutes,
        median_first_response_business_minutes,
        p90_first_response_business_minutes,
        median_reply_minutes,
        median_full_resolution_business_minutes,
        new_tickets,
        solved_tickets,
        reopened_tickets,
        backlog_change,
        one_touch_resolution_pct,
        first_response_sla_settled,
        first_response_sla_attainment_pct,
        next_response_sla_settled,
        next_response_sla_attainment_pct,
        resolution_sla_settled,
        resolution_sla_attainment_pct
    from stored
    where
        date_day in (select refresh_key from scope_keys)
        -- (a key can be NULL: a replaced row without the date)
        and date_day not in (select refresh_key from touched_keys where refresh_key is not null)
),

backlog_before as (
    -- The stored backlog at the end of the last day before the scope.
    select
        channel,
        team_id,
        backlog_tickets as backlog_before_tickets
    from stored
    where date_day = (
        select max(date_day) from stored
        where date_day < (select min(refresh_key) from scope_keys)
    )
),
{%- endif %}

changes as (
    select * from recomputed
    {%- if is_incremental() %}
    union all
    select * from carried
    {%- endif %}
),

totalled as (
    select
        changes.date_day,
        changes.channel,
        changes.team_id,
        changes.median_first_response_minutes,
        changes.p90_first_response_minutes,
        changes.median_first_response_business_minutes,
        changes.p90_first_response_business_minutes,
        changes.median_reply_minutes,
        changes.median_full_resolution_business_minutes,
        changes.new_tickets,
        changes.solved_tickets,
        changes.reopened_tickets,
        {%- if is_incremental() %}
        coalesce(backlog_before.backlog_before_tickets, 0)
        +
        {%- endif %}
        sum(changes.backlog_change) over (
            partition by changes.channel, changes.team_id
            order by changes.date_day
            rows between unbounded preceding and current row
        ) as backlog_tickets,
        changes.one_touch_resolution_pct,
        changes.first_response_sla_settled,
        changes.first_response_sla_attainment_pct,
        changes.next_response_sla_settled,
        changes.next_response_sla_attainment_pct,
        changes.resolution_sla_settled,
        changes.resolution_sla_attainment_pct,
        {{ refreshed_at() }} as _refreshed_at
    from changes
    {%- if is_incremental() %}
    left join backlog_before
        on
            changes.channel = backlog_before.channel
            and changes.team_id = backlog_before.team_id
    {%- endif %}
)

select * from totalled
