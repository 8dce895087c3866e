{#- Incremental refresh of the derived models (intermediate tables and marts keyed by ticket,
    conversation, contact, ...). A nightly run recomputes only the keys in scope and replaces
    every row of those of them whose rows came out different (strategy `replace_scope` below); a
    full refresh (`dbt build --full-refresh`, Dagster run config `full_refresh: true`) rebuilds
    everything.

    Every row of these models, and of the landing staging models, carries `_refreshed_at`: when
    the dbt invocation that wrote it started (`refreshed_at()`). A model's watermark is the newest
    `_refreshed_at` it holds: every upstream row written after it is news to the model (a run
    that wrote no row of a model leaves its watermark where it was, so the next run looks further
    back: more work, never less). So a key is in scope when
    - a row of an upstream model (`upstream`: [model name, key expression in that model]) was
      written since this model's watermark: new or re-delivered records, late events, and rows
      an upstream model recomputed for any reason of its own. Changes travel down the DAG this
      way, however many models lie between the landing files and a mart. A model that failed or
      was skipped keeps its older watermark and catches up on the next run. With a third element,
      a column of both models, the keys this model's stored rows have for the written upstream
      rows are in scope too: a knowledge-base view that moved to another customer leaves the old
      customer's views;
    - (`earlier_versions`: a list of record kinds of `versioned_records()`, each alone or as
      [kind, key expression in its versions model]) the keys that every delivered version of the
      records of that kind staged since named (by default their parent): a ticket event or chat
      message re-delivered under another ticket or conversation (or in another month) leaves the
      parent it was staged under before, and that parent must lose it (the staged row names only
      the new one);
    - (`running_clock`) a condition on this model's own rows says that a value runs on with the
      as-of instant (a ticket still open, an SLA target not achieved yet, a first-contact window
      not closed): such keys are recomputed every run until the clock stops. The condition names
      the as-of instant as `as_of_in_scope()`, never `as_of_timestamp()` (see there);
    - (`not_started`: {'stored': <this model's start column>, 'upstream': [[model name, key
      expression, time column], ...]}) a model that keeps only rows started by the as-of instant
      (a status period, an SLA target) stores nothing for a record whose time lies past it (one
      delivered with a later time: a pinned as_of, another system's clock), so no running clock
      can bring it back: the keys of upstream rows later than the newest stored start (which is
      at or before the last run's as-of instant) are in scope until those rows have started;
    - (`changed`) a named check (`changed_keys` below) finds keys whose inputs changed in a way
      the key mapping above cannot express: a ticket's team now follows another business-hours
      schedule, a customer, agent or team attribute copied into the rows changed, a survey
      response names a contact that was written since (or is linked to one whose attributes
      were), a contact's next contact changed.

    A rollup whose rows also summarize the periods before their own (`trailing_periods`:
    [datepart, n]: each row looks back n periods, as kpi_complaints_monthly's recurrence over the
    last 6 months does) has every key in scope put the n periods after it in scope too (the key
    is then a date).

    A rollup with a running total over its periods (`running_total`: true; kpi_support_daily's
    backlog at the end of each day is the sum of every earlier day's openings and closings) has
    every stored key from the earliest key in scope on put in scope too: their totals may change.
    The model recomputes from the facts only the keys in scope without them (`touched`, see
    `refresh_scope_keys`) and carries the others' stored values, their totals continued.

    A model whose rows can move between the periods a KPI rollup groups by (a re-delivered
    record with another date) names a log of its replaced rows (`keep_replaced`: the name of a
    model that selects no row of it, only the columns to keep: the key and the columns periods
    are taken from, e.g. int_survey_response_versions_replaced): when it replaces a key's rows,
    the strategy copies those columns of the rows it deletes there, stamped with this run. A
    rollup refreshed by period lists the log as one more upstream model, so the period a row left
    is recomputed as well as the one it entered (a row that changed within its period, such as
    another segment, is a written row of that period already). The log keeps
    `replaced_rows_retention_days` of rows; a rollup whose watermark is older than that
    recomputes every stored period (check `stale_watermark`). A rollup with a spine of periods
    (every month from the first to the last, zero rows included) also recomputes the periods
    where the spine and its stored rows differ (`survey_month_spine`).

    The scope is a dict: {'key': <column or expression of this model>, 'upstream': [...],
    'earlier_versions': [...], 'running_clock': <condition>, 'not_started': {...},
    'changed': [...], 'keep_replaced': <model>, 'trailing_periods': [datepart, n],
    'running_total': true}. A model passes the same dict to its config (`refresh_scope`, read by
    the strategy) and to `in_refresh_scope()` (unit tests do not see a model's custom config).

    What the scope does not see needs a full refresh (the job does not detect it): a change of
    the project's SQL, of the seeds (business hours, holidays, SLA policies) or of vars, or an
    as-of instant earlier than the last build's. -#}

{#- This dbt invocation's start (UTC), the same for every row it writes. -#}
{% macro refreshed_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- The model's watermark: the newest `_refreshed_at` it holds (long ago when it is empty). -#}
{% macro last_refreshed_at() -%}
    (select coalesce(max(_refreshed_at), cast('1900-01-01' as {{ dbt.type_timestamp() }}))
    from {{ this }})
{%- endmacro %}

{#- The records a re-delivery can move to another parent: per kind, [staged model, base model
    keeping every delivered version, record id, parent key]. The parent of the records that name
    a customer (a ticket, chat, call, survey response or subscription) is the customer:
    dim_customers drops an inferred customer that no record names any more. -#}
{% macro versioned_records() -%}
    {{- return({
        'ticket_events': [
            'stg_landing__ticket_events', 'base_landing__ticket_events', 'event_id', 'ticket_id',
        ],
        'chat_messages': [
            'stg_landing__chat_messages', 'base_landing__chat_messages', 'message_id',
            'conversation_id',
        ],
        'tickets': ['stg_landing__tickets', 'base_landing__tickets', 'ticket_id', 'customer_id'],
        'chat_conversations': [
            'stg_landing__chat_conversations', 'base_landing__chat_conversations',
            'conversation_id', 'customer_id',
        ],
        'calls': ['stg_landing__calls', 'base_landing__calls', 'call_id', 'customer_id'],
        'survey_responses': [
            'stg_landing__survey_responses', 'base_landing__survey_responses', 'response_id',
            'customer_id',
        ],
        'subscriptions': [
            'stg_landing__subscriptions', 'base_landing__subscriptions', 'subscription_id',
            'customer_id',
        ],
    }) -}}
{%- endmacro %}

{#- `key` (an expression of the versions model; by default the record's parent key) over every
    delivered version of the records of `kind` staged since this model's watermark. Only a record
    delivered more than once has an earlier version, so only those are looked up. -#}
{% macro earlier_version_keys(kind, key=none) -%}
    {%- set staged, versions, record_id, parent = versioned_records()[kind] -%}
    select {{ key or parent }} as refresh_key
    from {{ ref(versions) }}
    where {{ record_id }} in (
        select {{ record_id }} from {{ ref(staged) }}
        where _refreshed_at > {{ last_refreshed_at() }} and versions_count > 1
    )
{%- endmacro %}

{#- The as-of instant in a scope dict. The dict is rendered into the model's config when dbt
    parses the file, and the nightly job reuses the parse state: an instant rendered there would
    be the one of the run that last parsed it, while the model's query renders it anew, so the
    strategy would delete keys the query no longer recomputed. The scope holds this placeholder,
    and `refresh_scope_keys` puts this run's as-of instant in its place. -#}
{% macro as_of_in_scope() -%}
    __as_of_in_scope__
{%- endmacro %}

{#- The keys in scope, as one select of the column `refresh_key`. With `touched=true`, those
    a `running_total` scope adds are left out: the keys whose inputs changed. -#}
{% macro refresh_scope_keys(scope, touched=false) -%}
    {%- set parts = [] -%}
    {%- for upstream in scope.get('upstream', []) -%}
        {%- set written -%}
            from {{ ref(upstream[0]) }} where _refreshed_at > {{ last_refreshed_at() }}
        {%- endset -%}
        {%- do parts.append('select ' ~ upstream[1] ~ ' as refresh_key ' ~ written) -%}
        {%- if upstream | length > 2 -%}
            {%- do parts.append(
                'select ' ~ scope['key'] ~ ' as refresh_key from ' ~ this ~ ' where '
                ~ upstream[2] ~ ' in (select ' ~ upstream[2] ~ ' ' ~ written ~ ')'
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for entry in scope.get('earlier_versions', []) -%}
        {%- if entry is string -%}
            {%- do parts.append(earlier_version_keys(entry)) -%}
        {%- else -%}
            {%- do parts.append(earlier_version_keys(entry[0], entry[1])) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if scope.get('running_clock') -%}
        {%- do parts.append(
            'select ' ~ scope['key'] ~ ' as refresh_key from ' ~ this
            ~ ' where ' ~ scope['running_clock'] | replace(as_of_in_scope(), as_of_timestamp())
        ) -%}
    {%- endif -%}
    {%- set not_started = scope.get('not_started') -%}
    {%- for upstream in (not_started or {}).get('upstream', []) -%}
        {%- do parts.append(
            'select ' ~ upstream[1] ~ ' as refresh_key from ' ~ ref(upstream[0]) ~ ' where '
            ~ upstream[2] ~ ' > (select max(' ~ not_started['stored'] ~ ') from ' ~ this ~ ')'
        ) -%}
    {%- endfor -%}
    {%- for check in scope.get('changed', []) -%}
        {%- do parts.append(changed_keys(check, scope['key'])) -%}
    {%- endfor -%}
    {%- set trailing = scope.get('trailing_periods') -%}
    {%- if scope.get('running_total') and not touched -%}
    with touched_keys as (
        {{ parts | join('\n        union\n        ') }}
    )

    {{ running_total_keys(scope, 'touched_keys') }}
    {%- elif trailing -%}
    select cast(
        {{ dbt.dateadd(trailing[0], 'trailing_offsets.periods', 'touched_keys.refresh_key') }}
        as date
    ) as refresh_key
    from (
        {{ parts | join('\n    union\n    ') }}
    ) as touched_keys
    cross join (
        {%- for offset in range(trailing[1] + 1) %}
        select {{ offset }} as periods{% if not loop.last %} union all{% endif %}
        {%- endfor %}
    ) as trailing_offsets
    {%- else -%}
    {{ parts | join('\n    union\n    ') }}
    {%- endif -%}
{%- endmacro %}

{#- `column` of the rows of each model in `models` (names) written since this model's
    watermark, as one select (union). -#}
{% macro keys_written_since(column, models) -%}
    {%- for model in models %}
    select {{ column }} from {{ ref(model) }} where _refreshed_at > {{ last_refreshed_at() }}
    {%- if not loop.last %}
    union
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- A `running_total` scope's keys: the touched keys (`touched`, a relation or CTE of
    refresh_key), and every stored key from the earliest of them on. A model that computes its
    touched keys once (a CTE) passes them here itself. -#}
{% macro running_total_keys(scope, touched) -%}
    {%- if not scope.get('running_total') -%}
        {{ exceptions.raise_compiler_error(
            "running_total_keys: the scope of " ~ this ~ " has no 'running_total': true, so the"
            ~ " strategy would not replace the keys this adds"
        ) }}
    {%- endif %}
    select refresh_key from {{ touched }}
    union
    select {{ scope['key'] }} as refresh_key
    from {{ this }}
    where {{ scope['key'] }} >= (select min(refresh_key) from {{ touched }})
{%- endmacro %}

{#- `expr in (select refresh_key from <keys>)` when `condition` holds, else `true`: the scope
    filter of a model that computes its keys in scope once (a CTE, as kpi_support_daily does). -#}
{% macro in_scope_keys(expr, keys, condition=true) -%}
    {%- if condition -%}
        {{ expr }} in (select refresh_key from {{ keys }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- The periods where a rollup's spine (a select of `period` and `cells`: every period, zero
    rows included, for every combination of the cell columns) and its stored rows do not match:
    a period or cell the spine newly holds, one it no longer holds. -#}
{% macro spine_differences(spine, period, cells=[]) -%}
    select coalesce(spine_cells.{{ period }}, stored_cells.{{ period }}) as refresh_key
    from ({{ spine }}) as spine_cells
    full outer join {{ this }} as stored_cells
        on
            {%- for column in [period] + cells %}
            {% if not loop.first %}and {% endif -%}
            spine_cells.{{ column }} = stored_cells.{{ column }}
            {%- endfor %}
    where spine_cells.{{ period }} is null or stored_cells.{{ period }} is null
{%- endmacro %}

{#- Keys whose stored rows no longer match what they were derived from. -#}
{% macro changed_keys(check, key) -%}
    {%- if check in ('schedule', 'dimensions', 'customer_dimensions', 'survey_dimensions') -%}
        {#- Stored rows that no longer match what they were copied from. -#}
        select {{ key }} as refresh_key
        from (
            select previous_rows.*
            from {{ this }} as previous_rows
            {%- if check == 'schedule' %}
            {#- Only a re-delivered team can follow another schedule now (a ticket that moved to
                another team is a written ticket row already). #}
            inner join {{ ref('int_tickets_joined_to_schedules') }} as current_tickets
                on previous_rows.ticket_id = current_tickets.ticket_id
            where
                current_tickets.team_id in (
                    select team_id from {{ ref('stg_landing__teams') }}
                    where _refreshed_at > {{ last_refreshed_at() }}
                )
                and previous_rows.schedule_id <> current_tickets.schedule_id
            {%- else %}
            left join {{ ref('dim_customers') }} as customers
                on previous_rows.customer_id = customers.customer_id
            {%- if check == 'dimensions' %}
            left join {{ ref('dim_agents') }} as agents
                on previous_rows.assignee_id = agents.agent_id
            left join {{ ref('dim_teams') }} as teams
                on previous_rows.team_id = teams.team_id
            where
                previous_rows.customer_segment <> coalesce(customers.segment, 'unknown')
                or previous_rows.has_known_customer <> coalesce(not customers.is_inferred, false)
                or previous_rows.has_known_assignee
                <> coalesce(not agents.is_inferred, previous_rows.assignee_id is null)
                or previous_rows.has_known_team
                <> coalesce(not teams.is_inferred, previous_rows.team_id is null)
            {%- elif check == 'survey_dimensions' %}
            {#- A survey response: its segment, and the team it took from its agent when its
                contact has none (a contact that changed is a written contact already). #}
            left join {{ ref('dim_agents') }} as agents
                on previous_rows.agent_id = agents.agent_id
            left join {{ ref('fct_contacts') }} as contacts
                on previous_rows.contact_id = contacts.contact_id
            where
                previous_rows.segment <> coalesce(customers.segment, 'unknown')
                or previous_rows.team_id <> coalesce(contacts.team_id, agents.team_id, 'unknown')
            {%- else %}
            where
                previous_rows.segment <> coalesce(customers.segment, 'unknown')
                or previous_rows.has_known_customer <> coalesce(not customers.is_inferred, false)
            {%- endif %}
            {%- endif %}
        ) as changed_rows
    {%- elif check == 'stale_watermark' -%}
        {#- Every stored key, when this model last refreshed before the oldest replaced rows the
            logs keep (rows that left a period may be gone from them). -#}
        select {{ key }} as refresh_key
        from {{ this }}
        where {{ last_refreshed_at() }} < {{ replaced_rows_horizon() }}
    {%- elif check == 'survey_month_spine' -%}
        {#- kpi_survey_monthly: the months where its month x survey type spine and its stored
            rows do not match (a month the responses' range newly spans, every month of a new
            survey type; a month or type no longer spanned). -#}
        {{ spine_differences(
            survey_month_spine(ref('fct_survey_responses')), 'date_month', ['survey_type']
        ) }}
    {%- elif check == 'support_daily_spine' -%}
        {#- kpi_support_daily: the days where its day x channel x team spine and its stored rows
            do not match (days the tickets' range newly spans, every day of a new channel and
            team pair; a day or pair no longer spanned). -#}
        {{ spine_differences(
            support_daily_spine(ref('fct_tickets')), 'date_day', ['channel', 'team_id']
        ) }}
    {%- elif check == 'ticket_sla_weeks' -%}
        {#- kpi_segment_response_times: the weeks of the tickets whose SLA rows were written or
            replaced since (a target settled or changed; a priority removed leaves no SLA row,
            only its replaced rows in the log). -#}
        select {{ week_start('started_date') }} as refresh_key
        from {{ ref('fct_contacts') }}
        where
            source = 'ticket'
            and ticket_id in (
                {{ keys_written_since(
                    'ticket_id', ['fct_sla_events', 'int_sla_event_versions_replaced']
                ) }}
            )
    {%- elif check == 'self_service_week_spine' -%}
        {#- kpi_self_service: the weeks where its spine (every week from the first to the last
            with knowledge-base views) and its stored weeks do not match (the range grew or
            shrank). -#}
        {{ spine_differences(
            self_service_week_spine(ref('fct_kb_article_views')), 'date_week'
        ) }}
    {%- elif check == 'retention_and_turnover_months' -%}
        {#- kpi_support_overview_monthly: the months where the churn or turnover rate it copies
            differs from kpi_retention_monthly's or kpi_agent_turnover_monthly's now (both are
            rebuilt in full every night: only a comparison says what changed), a month they
            have and the stored rows do not, a stored month without contacts they no longer
            have, and a stored month on the wrong side of the first contact's month now (its
            counts are NULL before it, 0 or more from it: earlier contacts arrived, or the
            first ones moved later). -#}
        select coalesce(current_rates.date_month, stored_rates.date_month) as refresh_key
        from (
            select
                coalesce(retention.date_month, turnover.date_month) as date_month,
                retention.churn_rate_pct,
                turnover.turnover_rate_pct
            from {{ ref('kpi_retention_monthly') }} as retention
            full outer join {{ ref('kpi_agent_turnover_monthly') }} as turnover
                on retention.date_month = turnover.date_month
        ) as current_rates
        full outer join {{ this }} as stored_rates
            on current_rates.date_month = stored_rates.date_month
        where
            stored_rates.date_month is null
            or (current_rates.date_month is null and coalesce(stored_rates.contacts, 0) = 0)
            or (
                stored_rates.date_month is not null
                and (stored_rates.contacts is not null)
                <> coalesce(stored_rates.date_month >= {{ first_contact_month() }}, false)
            )
            or current_rates.churn_rate_pct is distinct from stored_rates.churn_rate_pct
            or current_rates.turnover_rate_pct is distinct from stored_rates.turnover_rate_pct
    {%- elif check == 'macro_months' -%}
        {#- kpi_workflow_usage: the months where a macro re-delivered since was applied (its
            title and kind are copied into the rows). -#}
        select {{ key }} as refresh_key
        from {{ this }}
        where macro_id in (
            select macro_id from {{ ref('stg_landing__macros') }}
            where _refreshed_at > {{ last_refreshed_at() }}
        )
    {%- elif check in ('agent_ticket_event_days', 'support_ticket_event_days') -%}
        {#- kpi_agent_daily: every day of the events of a ticket staged since, of a ticket with
            an event staged since, and of a ticket an earlier version of such an event named:
            which public comment opens an agent-created ticket (not a reply) depends on all of
            the ticket's comments, and a ticket's arrival makes its events count.
            kpi_support_daily: the same, and every day of the events of a ticket whose
            fct_tickets row was written or replaced since: its reopens, replies and backlog
            moves are counted under the ticket's channel and team, which may have changed. -#}
        select {{ reporting_date('created_at') }} as refresh_key
        from {{ ref('stg_landing__ticket_events') }}
        {%- set written = ['stg_landing__tickets', 'stg_landing__ticket_events'] %}
        {%- if check == 'support_ticket_event_days' %}
            {%- do written.extend(['fct_tickets', 'int_ticket_versions_replaced']) %}
        {%- endif %}
        where ticket_id in (
            {{ keys_written_since('ticket_id', written) }}
            union
            select refresh_key from ({{ earlier_version_keys('ticket_events') }}) as left_tickets
        )
    {%- elif check == 'conversation_message_days' -%}
        {#- kpi_agent_daily: the days of the messages of a conversation staged since (its
            arrival makes its messages count). -#}
        select {{ reporting_date('sent_at') }} as refresh_key
        from {{ ref('stg_landing__chat_messages') }}
        where conversation_id in (
            select conversation_id from {{ ref('stg_landing__chat_conversations') }}
            where _refreshed_at > {{ last_refreshed_at() }}
        )
    {%- elif check == 'surveyed_contacts' -%}
        {#- Responses naming a ticket, chat or call written since (the contact may exist now). -#}
        select response_id as refresh_key
        from {{ ref('stg_landing__survey_responses') }}
        where
            ticket_id in (
                select ticket_id from {{ ref('stg_landing__tickets') }}
                where _refreshed_at > {{ last_refreshed_at() }}
            )
            or conversation_id in (
                select conversation_id from {{ ref('stg_landing__chat_conversations') }}
                where _refreshed_at > {{ last_refreshed_at() }}
            )
            or call_id in (
                select call_id from {{ ref('stg_landing__calls') }}
                where _refreshed_at > {{ last_refreshed_at() }}
            )
    {%- elif check == 'linked_contacts' -%}
        {#- Responses linked to a contact written since (its source, channel, team, customer and
            agent are copied into the response). -#}
        select response_id as refresh_key
        from {{ this }}
        where contact_id in (
            select contact_id from {{ ref('fct_contacts') }}
            where _refreshed_at > {{ last_refreshed_at() }}
        )
    {%- elif check == 'contact_surveys' -%}
        {#- Contacts whose survey links were written since, and every contact an earlier
            delivered version of those responses named (a response re-delivered under another
            ticket, chat or call leaves its old contact; over-inclusive where a version named
            more than one). -#}
        {%- set written_links -%}
            select response_id from {{ ref('int_survey_responses_linked_to_contacts') }}
            where _refreshed_at > {{ last_refreshed_at() }}
        {%- endset -%}
        select contact_id as refresh_key
        from {{ ref('int_survey_responses_linked_to_contacts') }}
        where _refreshed_at > {{ last_refreshed_at() }} and contact_id is not null
        union
        select
            case sources.source
                when 'ticket' then 'ticket:' || versions.ticket_id
                when 'chat' then 'chat:' || versions.conversation_id
                else 'call:' || versions.call_id
            end as refresh_key
        from {{ ref('base_landing__survey_responses') }} as versions
        cross join (
            select 'ticket' as source
            union all
            select 'chat' as source
            union all
            select 'call' as source
        ) as sources
        where versions.response_id in ({{ written_links }})
    {%- elif check == 'preceding_contacts' -%}
        {#- The contacts whose next contact (of the same customer) may have changed: the one a
            written contact follows now, and the one it followed when this model last ran (its
            stored next_contact_id names it; also when it moved to another customer or time). -#}
        select ordered.contact_id as refresh_key
        from (
            select
                contact_id,
                lead(contact_id) over (
                    partition by customer_id order by started_at, contact_id
                ) as next_contact_id
            from {{ ref('int_contacts_unioned') }}
            where customer_id in (
                select customer_id from {{ ref('int_contacts_unioned') }}
                where _refreshed_at > {{ last_refreshed_at() }}
            )
        ) as ordered
        where ordered.next_contact_id in (
            select contact_id from {{ ref('int_contacts_unioned') }}
            where _refreshed_at > {{ last_refreshed_at() }}
        )
        union
        select contact_id as refresh_key
        from {{ this }}
        where next_contact_id in (
            select contact_id from {{ ref('int_contacts_unioned') }}
            where _refreshed_at > {{ last_refreshed_at() }}
        )
    {%- else -%}
        {{ exceptions.raise_compiler_error("refresh scope: unknown check '" ~ check ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{#- In an incremental run: a WHERE condition keeping the rows of keys in scope (`true` in a full
    build). `key` names the key in the filtered relation when it differs from the model's. -#}
{% macro in_refresh_scope(scope, key=none) -%}
    {#- rendered in every build, so that dbt records each relation the scope reads as a
        dependency of the model -#}
    {%- do refresh_scope_keys(scope) -%}
    {#- The strategy reads the scope from the config dbt rendered when it parsed the file; the
        query renders it now. Were they to differ (a value of the run, such as its instant, in
        the dict), the strategy would delete keys the query did not recompute. -#}
    {%- set parsed = config.get('refresh_scope') -%}
    {%- if execute and parsed and parsed != scope -%}
        {{ exceptions.raise_compiler_error(
            "refresh scope of " ~ this ~ ": the config dbt parsed (" ~ parsed ~ ") differs from"
            ~ " this run's (" ~ scope ~ "); a scope must not hold values of the run (name the"
            ~ " as-of instant as as_of_in_scope())"
        ) }}
    {%- endif -%}
    {%- if is_incremental() and scope_keys_stored() %}
    {{ key or scope['key'] }} in (select refresh_key from {{ scope_keys_table() }})
    {%- elif is_incremental() %}
    {{ key or scope['key'] }} in (
        {{ refresh_scope_keys(scope) }}
    )
    {%- else %}
    true
    {%- endif %}
{%- endmacro %}

{#- The stored rows of this model outside the refresh scope (this run leaves them as they are),
    as a select of `columns` where `condition` holds: a rollup whose rows look back at other
    periods reads the periods out of scope from them. A full build has none (a select of
    `empty_like`, a relation or CTE with those columns, that returns no row). -#}
{% macro stored_rows_out_of_scope(scope, columns, condition, empty_like) -%}
    select distinct {{ columns | join(', ') }}
    {%- if is_incremental() %}
    from {{ this }}
    where {{ condition }} and not ({{ in_refresh_scope(scope) }})
    {%- else %}
    from {{ empty_like }}
    where 1 = 0
    {%- endif %}
{%- endmacro %}

{#- The config of a model refreshed by `scope`: incremental with strategy `replace_scope`, a
    column change fails loudly (a full refresh is due); a plain table on Spark (dbt-spark has no
    delete on its default file format). -#}
{% macro refreshed_by_scope(scope) -%}
    {{- config(
        materialized='table' if target.type == 'spark' else 'incremental',
        incremental_strategy='replace_scope',
        refresh_scope=scope,
        on_schema_change='fail',
        pre_hook=[] if target.type == 'spark' else ['{{ store_scope_keys() }}'],
    ) -}}
{%- endmacro %}

{#- The temporary table that holds the keys in scope while an incremental run of a model
    refreshed by scope runs: its pre-hook (`store_scope_keys`) fills it, the model's query reads
    it (`in_refresh_scope`), the strategy compares and replaces exactly those keys and drops it.

    Why a table and not the scope's query inline: the query of the scope reads the written rows of
    every upstream model, and an engine cannot know how few they are. Inline, DuckDB estimated the
    scope large and built its hash join on the other side: on a night with nothing new,
    int_ticket_events_aggregated_to_tickets hashed all 9.7M staged events to find none of them
    (1.4 s at 1M tickets; 0.02 s reading this table, whose size the engine knows). The scope is
    also computed once instead of once per filtered CTE. -#}
{% macro scope_keys_table() -%}
    {{ adapter.quote(this.identifier ~ '__scope_keys') }}
{%- endmacro %}

{#- A `running_total` scope's touched keys (`refresh_scope_keys(scope, touched=true)`), stored
    beside its keys in scope for the model's query. -#}
{% macro touched_keys_table() -%}
    {{ adapter.quote(this.identifier ~ '__touched_keys') }}
{%- endmacro %}

{#- Whether this model's query reads its keys in scope from `scope_keys_table()`: a model node
    built by `dbt run` or `dbt build`. A unit test (its query runs on fixtures, with no hook) and
    `dbt compile` / `dbt show` (no hook runs either) inline the scope's query. -#}
{% macro scope_keys_stored() -%}
    {{- return(
        model.resource_type == 'model'
        and flags.WHICH in ('run', 'build', 'retry')
        and target.type != 'spark'
    ) -}}
{%- endmacro %}

{#- Pre-hook of the models refreshed by scope (rendered when the hook runs): in an incremental
    run that reads the scope from a table, store the keys in scope there (else nothing: dbt
    skips a hook that renders empty). -#}
{% macro store_scope_keys() -%}
    {%- set scope = config.get('refresh_scope') -%}
    {%- if is_incremental() and scope_keys_stored() -%}
    {%- if scope.get('running_total') -%}
    {#- the touched keys first: the keys in scope are read from them -#}
    create temporary table {{ touched_keys_table() }} as
    select distinct refresh_key from (
        {{ refresh_scope_keys(scope, touched=true) }}
    ) as touched_keys;
    {%- set keys_in_scope = running_total_keys(scope, touched_keys_table()) %}
    {%- else -%}
    {%- set keys_in_scope = refresh_scope_keys(scope) -%}
    {%- endif %}

    create temporary table {{ scope_keys_table() }} as
    select distinct refresh_key from (
        {{ keys_in_scope }}
    ) as keys_in_scope
    {%- endif -%}
{%- endmacro %}

{#- Strategy `replace_scope`: the keys in scope are recomputed; every row of a key whose rows
    changed is deleted and its recomputed rows inserted. Unlike delete+insert on a unique key, a
    key that now has fewer rows (or none: a priority removed drops its SLA targets) loses the old
    ones. The scope is read once, before the model's query runs (its pre-hook stores it in
    `scope_keys_table()`), and the query and the strategy use those very keys.

    A key whose recomputed rows equal its stored ones (every column but `_refreshed_at`, compared
    as multisets with EXCEPT ALL) is left as it is, stamp included: a scope is wide on purpose (a
    customer's knowledge-base views, every open ticket's clock), but what changed in it is a small
    part, and only that part is written, tested as the newest rows, passed on as news to the
    models downstream and published. -#}
{% macro get_incremental_replace_scope_sql(arg_dict) -%}
    {%- set scope = config.get('refresh_scope') -%}
    {%- set key = scope['key'] -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set recomputed = arg_dict['temp_relation'] -%}
    {%- set names = arg_dict['dest_columns'] | map(attribute='name') | list -%}
    {%- set columns = get_quoted_csv(names) -%}
    {%- set compared = get_quoted_csv(names | reject('equalto', '_refreshed_at') | list) -%}
    {%- set scope_keys = scope_keys_table() -%}
    {%- set changed_keys = adapter.quote(target.identifier ~ '__changed_keys') -%}
    {#- the keys in scope: stored by the model's pre-hook, before its query ran -#}
    create temporary table {{ changed_keys }} as
    with

    stored as (
        select {{ compared }}
        from {{ target }}
        where {{ key }} in (select refresh_key from {{ scope_keys }})
    ),

    fresh as (
        select {{ compared }}
        from {{ recomputed }}
    ),

    differing as (
        select * from (select * from fresh except all select * from stored) as added
        union all
        select * from (select * from stored except all select * from fresh) as removed
    )

    select distinct {{ key }} as refresh_key from differing;

    {%- set log = replaced_rows_log(scope.get('keep_replaced')) %}
    {%- if log is not none %}
    {%- set logged = adapter.get_columns_in_relation(log) | map(attribute='name')
        | reject('equalto', '_refreshed_at') | list %}

    insert into {{ log }} ({{ get_quoted_csv(logged) }}, {{ adapter.quote('_refreshed_at') }})
    select {{ get_quoted_csv(logged) }}, {{ refreshed_at() }}
    from {{ target }}
    where {{ key }} in (select refresh_key from {{ changed_keys }});
    {%- endif %}

    delete from {{ target }}
    where {{ key }} in (select refresh_key from {{ changed_keys }});

    insert into {{ target }} ({{ columns }})
    select {{ columns }}
    from {{ recomputed }}
    where {{ key }} in (select refresh_key from {{ changed_keys }});

    drop table {{ scope_keys }};
    {%- if scope.get('running_total') %}
    drop table {{ touched_keys_table() }};
    {%- endif %}
    drop table {{ changed_keys }}
{%- endmacro %}

{#- The relation of the replaced-rows log model `name` (none: no log named, or not built yet, as
    on the first run after it was added; its consumers are then built in full too). -#}
{% macro replaced_rows_log(name) -%}
    {%- if not name -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.name == name -%}
            {%- do return(adapter.get_relation(node.database, node.schema, node.alias)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("keep_replaced: no model named '" ~ name ~ "'") }}
{%- endmacro %}

{#- The oldest instant the replaced-rows logs keep rows from. -#}
{% macro replaced_rows_horizon() -%}
    {{ dbt.dateadd('day', -var('replaced_rows_retention_days'), refreshed_at()) }}
{%- endmacro %}

{#- The config of a replaced-rows log (see `keep_replaced` above): its model selects no row of
    the model it logs, so a build creates it empty with the columns it selects, and the model's
    strategy fills them; each run drops the rows older than the retention. A plain table on Spark,
    where nothing is replaced (the scoped models are rebuilt in full there). -#}
{% macro replaced_rows_log_config() -%}
    {#- a string rendered when the hook runs (this run's start), not when the project is parsed -#}
    {%- set prune = 'delete from {{ this }} where _refreshed_at < {{ replaced_rows_horizon() }}' -%}
    {{- config(
        materialized='table' if target.type == 'spark' else 'incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        post_hook=[] if target.type == 'spark' else [prune],
    ) -}}
{%- endmacro %}
