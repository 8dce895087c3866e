-- Solved tickets (Number): counted on the day of their latest solve, only if solved/closed now.
select sum(solved_tickets) as solved_tickets
from marts.kpi_support_daily
