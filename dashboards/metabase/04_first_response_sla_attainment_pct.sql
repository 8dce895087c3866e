-- First-response SLA met, % of settled targets (Number, suffix %).
select
    100.0 * sum(case when not is_breached then 1 else 0 end)
    / nullif(sum(case when is_breached is not null then 1 else 0 end), 0)
        as first_response_sla_attainment_pct
from marts.fct_sla_events
where sla_metric = 'first_response'
