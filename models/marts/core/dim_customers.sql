{#- Incremental per customer (macros/refresh_scope.sql): a customer is recomputed when their
    customers record was written since, or a ticket, chat, call, survey response or
    subscription that names them, or one that named them in a version delivered before (a record
    re-delivered under another customer may leave an inferred customer that nothing names any
    more: it is dropped, as a full build would). Every other customer's row stays as it is. -#}
{%- set refresh = {
    'key': 'customer_id',
    'upstream': [
        ['stg_landing__customers', 'customer_id'],
        ['stg_landing__tickets', 'customer_id'],
        ['stg_landing__chat_conversations', 'customer_id'],
        ['stg_landing__calls', 'customer_id'],
        ['stg_landing__survey_responses', 'customer_id'],
        ['stg_landing__subscriptions', 'customer_id'],
    ],
    'earlier_versions': [
        'tickets', 'chat_conversations', 'calls', 'survey_responses', 'subscriptions',
    ],
} -%}
{{ refreshed_by_scope(refresh) }}

with

customers as (
    select * from {{ ref('stg_landing__customers') }}
    where {{ in_refresh_scope(refresh) }}
),

tickets as (
    select * from {{ ref('stg_landing__tickets') }}
    where {{ in_refresh_scope(refresh) }}
),

chat_conversations as (
    select * from {{ ref('stg_landing__chat_conversations') }}
    where {{ in_refresh_scope(refresh) }}
),

calls as (
    select * from {{ ref('stg_landing__calls') }}
    where {{ in_refresh_scope(refresh) }}
),

survey_responses as (
    select * from {{ ref('stg_landing__survey_responses') }}
    where {{ in_refresh_scope(refresh) }}
),

subscriptions as (
    select * from {{ ref('stg_landing__subscriptions') }}
    where {{ in_refresh_scope(refresh) }}
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
        false as is_inferred,
        {{ refreshed_at() }} as _refreshed_at
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
        true as is_inferred,
        {{ refreshed_at() }} as _refreshed_at
    from inferred
)

select * from unioned
