with

teams as (
    select * from {{ ref('stg_landing__teams') }}
),

tickets as (
    select * from {{ ref('stg_landing__tickets') }}
),

agents as (
    select * from {{ ref('stg_landing__agents') }}
),

chat_conversations as (
    select * from {{ ref('stg_landing__chat_conversations') }}
),

calls as (
    select * from {{ ref('stg_landing__calls') }}
),

referenced_ids as (
    select team_id from tickets
    union
    select team_id from agents
    union
    select team_id from chat_conversations
    union
    select team_id from calls
),

inferred as (
    select referenced_ids.team_id
    from referenced_ids
    left join teams
        on referenced_ids.team_id = teams.team_id
    where
        referenced_ids.team_id is not null
        and teams.team_id is null
),

unioned as (
    select
        team_id,
        team_name,
        schedule_id,
        false as is_inferred
    from teams

    union all

    select
        team_id,
        cast(null as {{ dbt.type_string() }}) as team_name,
        cast(null as {{ dbt.type_string() }}) as schedule_id,
        true as is_inferred
    from inferred
),

with_schedule as (
    select
        *,
        coalesce(schedule_id, '{{ var("default_schedule_id") }}') as effective_schedule_id
    from unioned
)

select * from with_schedule
