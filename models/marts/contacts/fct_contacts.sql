{%- set window_seconds = var('fcr_window_days') * 86400 %}
{#- Incremental per contact (macros/refresh_scope.sql): a contact is recomputed when it was
    written since this model's last build, when its next contact may have changed (it now
    precedes a written contact, or it preceded one when this model last ran), when a survey
    response was linked to it, when its customer's segment changed, or while its first-contact
    window is still open. Its next contact is looked for among all of its customer's contacts. -#}
{%- set refresh = {
    'key': 'contact_id',
    'keep_replaced': 'int_contact_versions_replaced',
    'upstream': [['int_contacts_unioned', 'contact_id']],
    'running_clock': 'customer_id is not null and is_first_contact_resolution is null',
    'changed': ['preceding_contacts', 'contact_surveys', 'customer_dimensions'],
} -%}
{{ refreshed_by_scope(refresh) }}
with

contacts as {{ scoped_cte() }} (
    select * from {{ ref('int_contacts_unioned') }}
    where {{ in_refresh_scope(refresh) }}
),

customer_contacts as (
    -- every contact of the customers in scope: the next contact may lie outside the scope
    select
        contact_id,
        customer_id,
        started_at
    from {{ ref('int_contacts_unioned') }}
    where customer_id in (select contacts.customer_id from contacts)
),

survey_links as (
    -- the links of the contacts in scope
    select links.*
    from {{ ref('int_survey_responses_linked_to_contacts') }} as links
    where links.contact_id in (select contacts.contact_id from contacts)
),

customers as (
    select * from {{ ref('dim_customers') }}
),

next_contacts as (
    select
        contact_id,
        lead(contact_id) over (
            partition by customer_id order by started_at, contact_id
        ) as next_contact_id,
        lead(started_at) over (
            partition by customer_id order by started_at, contact_id
        ) as next_contact_started_at
    from customer_contacts
),

csat_ranked as (
    select
        contact_id,
        score,
        responded_at,
        count(*) over (partition by contact_id) as csat_responses_count,
        row_number() over (
            partition by contact_id
            order by responded_at desc nulls last, response_id desc
        ) as recency_rank
    from survey_links
    where survey_type = 'csat' and contact_id is not null
),

latest_csat as (
    select
        contact_id,
        score as csat_score,
        responded_at as csat_responded_at,
        csat_responses_count
    from csat_ranked
    where recency_rank = 1
),

joined as (
    select
        contacts.contact_id,
        contacts.source,
        contacts.source_id,
        contacts.channel,
        contacts.customer_id,
        coalesce(customers.segment, 'unknown') as segment,
        coalesce(not customers.is_inferred, false) as has_known_customer,
        contacts.agent_id,
        contacts.team_id,
        contacts.ticket_id,
        contacts.started_at,
        {{ reporting_date('contacts.started_at') }} as started_date,
        contacts.first_response_at,
        contacts.first_response_seconds,
        contacts.first_response_business_minutes,
        contacts.handle_seconds,
        contacts.replies_count,
        contacts.is_abandoned,
        contacts.is_solved,
        contacts.is_one_touch_resolution,
        next_contacts.next_contact_id,
        next_contacts.next_contact_started_at,
        case
            when contacts.customer_id is null then null
            when
                next_contacts.next_contact_started_at is not null
                and {{ seconds_between(
                    'contacts.started_at', 'next_contacts.next_contact_started_at'
                ) }} <= {{ window_seconds }}
                then false
            when
                {{ seconds_between('contacts.started_at', as_of_timestamp()) }}
                < {{ window_seconds }}
                then null
            else true
        end as is_first_contact_resolution,
        coalesce(latest_csat.csat_responses_count, 0) as csat_responses_count,
        latest_csat.csat_score,
        latest_csat.csat_responded_at,
        {{ refreshed_at() }} as _refreshed_at
    from contacts
    left join customers
        on contacts.customer_id = customers.customer_id
    left join next_contacts
        on contacts.contact_id = next_contacts.contact_id
    left join latest_csat
        on contacts.contact_id = latest_csat.contact_id
)

select * from joined
