with

customers as (
    select * from {{ ref('stg_landing__customers') }}
),

tickets as (
    select * from {{ ref('stg_landing__tickets') }}
),

chat_conversations as (
    select * from {{ ref('stg_landing__chat_conversations') }}
),

calls as (
    select * from {{ ref('stg_landing__calls') }}
),

survey_responses as (
    select * from {{ ref('stg_landing__survey_responses') }}
),

subscriptions as (
    select * from {{ ref('stg_landing__subscriptions') }}
),

referenced_ids as (
    select customer_id from tickets
    union
    select customer_id from chat_conversations
    union
    select customer_id from calls
    union
    select customer_id from survey_responses
    union
    select customer_id from subscriptions
),

inferred as (
    select referenced_ids.customer_id
    from referenced_ids
    left join customers
        on referenced_ids.customer_id = customers.customer_id
    where
        referenced_ids.customer_id is not null
        and customers.customer_id is null
),

unioned as (
    select
        customer_id,
        organization_id,
        customer_name,
        email,
        coalesce(segment, 'unknown') as segment,
        country,
        timezone,
        created_at,
        false as is_inferred
    from customers

    union all

    select
        customer_id,
        cast(null as {{ dbt.type_string() }}) as organization_id,
        cast(null as {{ dbt.type_string() }}) as customer_name,
        cast(null as {{ dbt.type_string() }}) as email,
        'unknown' as segment,
        cast(null as {{ dbt.type_string() }}) as country,
        cast(null as {{ dbt.type_string() }}) as timezone,
        cast(null as timestamp) as created_at,
        true as is_inferred
    from inferred
)

select * from unioned
