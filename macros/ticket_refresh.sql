{#- Incremental refresh of the per-ticket models (the ticket intermediate tables and the ticket
    marts built from them). A nightly run recomputes only the tickets in scope and replaces every
    row of those tickets (strategy `replace_ticket_scope` below); a full refresh (`dbt build
    --full-refresh`, Dagster run config `full_refresh: true`) rebuilds every ticket.

    A ticket is in scope when
    - a file landed since this model's last build holds a winning version of the ticket or of one
      of its events (new tickets, changed re-deliveries, late events). Every row of these models
      carries `_last_file_id`, the newest landed file behind it; file ids only grow, so every file
      up to the highest `_last_file_id` in the model was read by its last build;
    - its team now follows another schedule than the one its rows were measured on;
    - (models whose values run on to the as-of instant) one of its clocks was still running at the
      last build: the condition is the model's `running_clock` config.

    What the scope does not see needs a full refresh (not detected automatically yet): a change
    of the project's SQL, of the seeds (business hours, holidays, SLA policies) or of vars, and
    an as-of instant earlier than the last build's. -#}

{% macro ticket_refresh_scope(running_clock=none) -%}
    {%- set watermark -%}
        (select coalesce(max(_last_file_id), -1) from {{ this }})
    {%- endset -%}
    select ticket_id from {{ ref('stg_landing__tickets') }}
    where _file_id > {{ watermark }}
    union
    select ticket_id from {{ ref('stg_landing__ticket_events') }}
    where _file_id > {{ watermark }}
    union
    select previous_rows.ticket_id
    from {{ this }} as previous_rows
    inner join {{ ref('int_tickets_joined_to_schedules') }} as current_tickets
        on previous_rows.ticket_id = current_tickets.ticket_id
    where previous_rows.schedule_id <> current_tickets.schedule_id
    {%- if running_clock %}
    union
    select ticket_id from {{ this }}
    where {{ running_clock }}
    {%- endif %}
{%- endmacro %}

{#- In an incremental run: a WHERE condition keeping the rows of tickets in scope (`true` in a
    full build). The model must declare `-- depends_on:` the relations the scope reads, and pass
    the running-clock condition it also sets as config `running_clock` (which the strategy below
    reads; unit tests do not see a model's custom config). -#}
{% macro in_ticket_refresh_scope(running_clock=none) -%}
    {%- if is_incremental() %}
    ticket_id in (
        {{ ticket_refresh_scope(running_clock) }}
    )
    {%- else %}
    true
    {%- endif %}
{%- endmacro %}

{#- Strategy `replace_ticket_scope`: delete every row of the tickets in scope, then insert their
    recomputed rows. Unlike delete+insert, a ticket that now has fewer rows (or none: a priority
    removed drops its SLA targets) loses the old ones. The scope is read before the delete, from
    the same state the model's query saw. -#}
{% macro get_incremental_replace_ticket_scope_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }}
    where ticket_id in (
        {{ ticket_refresh_scope(config.get('running_clock')) }}
    );

    insert into {{ target }} ({{ columns }})
    select {{ columns }}
    from {{ arg_dict['temp_relation'] }}
{%- endmacro %}
