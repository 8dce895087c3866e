-- Backlog at the end of the latest day, per team (Bar chart).
with latest_day as (
    select max(date_day) as date_day
    from marts.kpi_support_daily
)

select
    daily.team_id,
    sum(daily.backlog_tickets) as backlog_tickets
from marts.kpi_support_daily as daily
inner join latest_day on daily.date_day = latest_day.date_day
group by 1
order by 2 desc
