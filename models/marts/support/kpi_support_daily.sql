with

tickets as (
    select * from {{ ref('fct_tickets') }}
),

created_daily as (
    select
        {{ reporting_date('created_at') }} as date_day,
        channel,
        coalesce(team_id, 'unassigned') as team_id,
        count(*) as new_tickets,
        percentile_cont(0.5) within group (order by first_response_minutes)
            as median_first_response_minutes
    from tickets
    group by 1, 2, 3
),

solved_daily as (
    select
        {{ reporting_date('last_solved_at') }} as date_day,
        channel,
        coalesce(team_id, 'unassigned') as team_id,
        count(*) as solved_tickets
    from tickets
    where is_solved and last_solved_at is not null
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

daily as (
    select
        spine.date_day,
        spine.channel,
        spine.team_id,
        coalesce(created_daily.new_tickets, 0) as new_tickets,
        coalesce(solved_daily.solved_tickets, 0) as solved_tickets,
        created_daily.median_first_response_minutes
    from spine
    left join created_daily
        on
            spine.date_day = created_daily.date_day
            and spine.channel = created_daily.channel
            and spine.team_id = created_daily.team_id
    left join solved_daily
        on
            spine.date_day = solved_daily.date_day
            and spine.channel = solved_daily.channel
            and spine.team_id = solved_daily.team_id
)

select * from daily
