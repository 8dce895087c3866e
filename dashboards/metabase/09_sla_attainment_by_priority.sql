-- SLA attainment by metric and priority, % (Table or grouped bar).
select
    sla_metric,
    priority,
    100.0 * sum(case when not is_breached then 1 else 0 end)
    / nullif(sum(case when is_breached is not null then 1 else 0 end), 0)
        as attainment_pct
from marts.fct_sla_events
group by 1, 2
order by 1, 2
