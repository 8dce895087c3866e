-- Tickets by channel (Pie chart).
select
    channel,
    count(*) as tickets
from marts.fct_tickets
group by 1
order by 2 desc
