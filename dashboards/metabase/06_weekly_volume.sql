-- New and solved tickets per week (Line chart, x = week_start).
select
    cast(date_trunc('week', date_day) as date) as week_start,
    sum(new_tickets) as new_tickets,
    sum(solved_tickets) as solved_tickets
from marts.kpi_support_daily
group by 1
order by 1
