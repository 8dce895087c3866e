with

agents as (
    select * from {{ ref('stg_landing__agents') }}
),

tickets as (
    select * from {{ ref('stg_landing__tickets') }}
),

ticket_events as (
    select * from {{ ref('stg_landing__ticket_events') }}
),

chat_conversations as (
    select * from {{ ref('stg_landing__chat_conversations') }}
),

chat_messages as (
    select * from {{ ref('stg_landing__chat_messages') }}
),

calls as (
    select * from {{ ref('stg_landing__calls') }}
),

referenced_ids as (
    select assignee_id as agent_id from tickets
    union
    select actor_id as agent_id from ticket_events
    where actor_role = 'agent'
    union
    select assignee_id as agent_id from chat_conversations
    union
    select author_id as agent_id from chat_messages
    where author_role = 'agent'
    union
    select agent_id from calls
),

inferred as (
    select referenced_ids.agent_id
    from referenced_ids
    left join agents
        on referenced_ids.agent_id = agents.agent_id
    where
        referenced_ids.agent_id is not null
        and agents.agent_id is null
),

unioned as (
    select
        agent_id,
        agent_name,
        email,
        team_id,
        role as agent_role,  -- noqa: RF04
        timezone,
        hired_at,
        left_at,
        false as is_inferred
    from agents

    union all

    select
        agent_id,
        cast(null as {{ dbt.type_string() }}) as agent_name,
        cast(null as {{ dbt.type_string() }}) as email,
        cast(null as {{ dbt.type_string() }}) as team_id,
        cast(null as {{ dbt.type_string() }}) as agent_role,
        cast(null as {{ dbt.type_string() }}) as timezone,
        cast(null as timestamp) as hired_at,
        cast(null as timestamp) as left_at,
        true as is_inferred
    from inferred
),

flagged as (
    select
        *,
        coalesce(left_at is null or left_at > {{ as_of_timestamp() }}, true) as is_active
    from unioned
)

select * from flagged
