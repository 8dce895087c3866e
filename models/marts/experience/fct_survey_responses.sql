{%- set satisfied_min = var('csat_satisfied_min') %}
{#- Incremental per response (macros/refresh_scope.sql): a response is recomputed when it was
    re-delivered, when its contact link was written since, when its linked contact was (the
    contact's attributes are copied here), or when its customer's segment or its agent's team
    changed. The rows it replaces go to int_survey_response_versions_replaced, for the KPI
    rollups by month. -#}
{%- set refresh = {
    'key': 'response_id',
    'keep_replaced': 'int_survey_response_versions_replaced',
    'upstream': [
        ['stg_landing__survey_responses', 'response_id'],
        ['int_survey_responses_linked_to_contacts', 'response_id'],
    ],
    'changed': ['linked_contacts', 'survey_dimensions'],
} -%}
{{ refreshed_by_scope(refresh) }}
with

responses as (
    select * from {{ ref('stg_landing__survey_responses') }}
    where {{ in_refresh_scope(refresh) }}
),

links as (
    select * from {{ ref('int_survey_responses_linked_to_contacts') }}
),

contacts as (
    select * from {{ ref('fct_contacts') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

agents as (
    select * from {{ ref('dim_agents') }}
),

linked as (
    select
        responses.response_id,
        responses.survey_type,
        responses.score,
        responses.sent_at,
        responses.responded_at,
        responses.topic,
        responses.ticket_id,
        responses.conversation_id,
        responses.call_id,
        links.contact_id,
        contacts.source as contact_source,
        contacts.channel as contact_channel,
        contacts.team_id as contact_team_id,
        coalesce(responses.customer_id, contacts.customer_id) as customer_id,
        coalesce(responses.agent_id, contacts.agent_id) as agent_id
    from responses
    left join links
        on responses.response_id = links.response_id
    left join contacts
        on links.contact_id = contacts.contact_id
),

classified as (
    select
        linked.response_id,
        linked.survey_type,
        linked.score,
        case
            when linked.survey_type = 'csat' then linked.score >= {{ satisfied_min }}
        end as is_satisfied,
        case
            when linked.survey_type <> 'nps' then null
            when linked.score >= 9 then 'promoter'
            when linked.score >= 7 then 'passive'
            when linked.score >= 0 then 'detractor'
        end as nps_category,
        linked.sent_at,
        linked.responded_at,
        {{ reporting_date('linked.responded_at') }} as responded_date,
        {{ minutes_between('linked.sent_at', 'linked.responded_at') }}
            as response_lag_minutes,
        coalesce(linked.topic, 'unknown') as topic,
        linked.contact_id,
        linked.contact_source,
        linked.contact_id is not null as has_linked_contact,
        linked.ticket_id,
        linked.conversation_id,
        linked.call_id,
        linked.customer_id,
        coalesce(customers.segment, 'unknown') as segment,
        coalesce(linked.agent_id, 'unknown') as agent_id,
        coalesce(linked.contact_team_id, agents.team_id, 'unknown') as team_id,
        coalesce(linked.contact_channel, 'unknown') as channel,
        {{ refreshed_at() }} as _refreshed_at
    from linked
    left join customers
        on linked.customer_id = customers.customer_id
    left join agents
        on linked.agent_id = agents.agent_id
)

select * from classified
