with

customers as (
    select * from {{ ref('dim_customers') }}
),

customer_totals as (
    -- refreshed by customer (its contacts written or replaced since, or still in the 90 days)
    select * from {{ ref('int_contacts_aggregated_to_customers') }}
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
