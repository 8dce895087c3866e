{%- set window_start = dbt.dateadd('day', -90, as_of_in_scope()) %}
{#- Incremental per customer (macros/refresh_scope.sql): a customer is recomputed when a contact
    of theirs was written since, when a contact that was theirs was replaced (its old row is in
    int_contact_versions_replaced: it may have moved to another customer), and while the 90-day
    window before the as-of instant can change their count: a contact was in the window when
    the row was written (it may have left it since), or is in it now (it may have entered it).
    Any other customer's count stays as it is until a new contact, which is a written row. -#}
{%- set refresh = {
    'key': 'customer_id',
    'upstream': [
        ['fct_contacts', 'customer_id'],
        ['int_contact_versions_replaced', 'customer_id'],
    ],
    'running_clock': 'contacts_last_90_days > 0 or last_contact_at >= ' ~ window_start,
} -%}
{{ refreshed_by_scope(refresh) }}

with

contacts as (
    select * from {{ ref('fct_contacts') }}
    where customer_id is not null and {{ in_refresh_scope(refresh) }}
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
        ) as contacts_last_90_days,
        {{ refreshed_at() }} as _refreshed_at
    from contacts
    group by 1
)

select * from customer_totals
