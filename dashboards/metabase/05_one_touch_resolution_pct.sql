-- One-touch resolution, % of solved tickets (Number, suffix %).
select
    100.0 * sum(case when is_one_touch_resolution then 1 else 0 end)
    / nullif(sum(case when is_solved then 1 else 0 end), 0)
        as one_touch_resolution_pct
from marts.fct_tickets
