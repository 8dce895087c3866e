-- Median first response, calendar minutes (Number).
select
    percentile_cont(0.5) within group (
        order by first_response_minutes
    ) as median_first_response_minutes
from marts.fct_tickets
