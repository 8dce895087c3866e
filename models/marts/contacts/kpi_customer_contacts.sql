with

customers as (
    select * from {{ ref('dim_customers') }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

customer_totals as (
    select
        customer_id,
        count(*) as contacts,
        count(case when source = 'ticket' then 1 end) as tickets,
        count(case when source = 'chat' then 1 end) as chats,
        count(case when source = 'call' then 1 end) as calls,
        min(started_at) as first_contact_at,
        max(started_at) as last_contact_at,
        count(distinct agent_id) as distinct_agents,
        {{ exact_sum('handle_seconds') }} as total_handle_seconds,
        count(
            case
                when
                    {{ seconds_between('started_at', as_of_timestamp()) }} > 0
                    and {{ seconds_between('started_at', as_of_timestamp()) }}
                    <= {{ 90 * 86400 }}
                    then 1
            end
        ) as contacts_last_90_days
    from contacts
    where customer_id is not null
    group by 1
),

joined as (
    select
        customers.customer_id,
        customers.segment,
        customers.is_inferred,
        customer_totals.first_contact_at,
        customer_totals.last_contact_at,
        coalesce(customer_totals.contacts, 0) as contacts,
        coalesce(customer_totals.tickets, 0) as tickets,
        coalesce(customer_totals.chats, 0) as chats,
        coalesce(customer_totals.calls, 0) as calls,
        coalesce(customer_totals.distinct_agents, 0) as distinct_agents,
        coalesce(customer_totals.total_handle_seconds, 0)
            as total_handle_seconds,
        coalesce(customer_totals.contacts_last_90_days, 0)
            as contacts_last_90_days
    from customers
    left join customer_totals
        on customers.customer_id = customer_totals.customer_id
),

ranked as (
    select
        *,
        cume_dist() over (order by contacts) * 100.0 as contacts_percentile
    from joined
)

select * from ranked
