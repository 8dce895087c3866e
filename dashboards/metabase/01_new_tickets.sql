-- New tickets (Number). Tickets created in the period; add a date filter on date_day if wanted.
select sum(new_tickets) as new_tickets
from marts.kpi_support_daily
