{#- Staging helpers: the landing contract's value lists (the ONE place in dbt that holds them, mirroring
    orchestration/ingest/contract.py), enumeration normalisation, quarantine-reason builders, and the
    two model shapes every entity shares (latest version, quarantined rows). -#}

{#- Canonical values per enumeration domain (contract.py: TICKET_STATUSES, PRIORITIES, ...). -#}
{% macro canonical_values(domain) -%}
    {%- set values = {
        'status': ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'],
        'priority': ['low', 'normal', 'high', 'urgent'],
        'ticket_channel': ['email', 'web', 'chat', 'phone', 'social', 'messaging', 'api', 'other'],
        'chat_channel': ['web_chat', 'whatsapp', 'messenger', 'instagram', 'sms', 'social', 'in_app'],
        'role': ['customer', 'agent', 'bot', 'system'],
        'event_type': [
            'comment', 'status_change', 'assignment', 'team_change', 'priority_change',
            'macro_applied', 'automation', 'tag_change',
        ],
        'survey_type': ['csat', 'nps', 'ces'],
        'call_direction': ['inbound', 'outbound'],
        'macro_kind': ['macro', 'automation', 'trigger'],
    } -%}
    {%- if domain not in values -%}
        {{ exceptions.raise_compiler_error("canonical_values: unknown domain '" ~ domain ~ "'") }}
    {%- endif -%}
    {{- return(values[domain]) -}}
{%- endmacro %}

{#- Synonyms per domain, written as normalize_token() output (contract.py SYNONYMS: `on-hold`
    becomes `on_hold` before the lookup, so only the remaining spellings are listed). -#}
{% macro canonical_synonyms(domain) -%}
    {%- set synonyms = {
        'status': {'hold': 'on_hold', 'onhold': 'on_hold'},
        'role': {
            'end_user': 'customer', 'enduser': 'customer', 'requester': 'customer',
            'admin': 'agent',
        },
    } -%}
    {{- return(synonyms.get(domain, {})) -}}
{%- endmacro %}

{#- Survey score range per survey type (contract.py SURVEY_SCALES). -#}
{% macro survey_scales() -%}
    {{- return({'csat': [1, 5], 'nps': [0, 10], 'ces': [1, 7]}) -}}
{%- endmacro %}

{#- A SQL list literal of the canonical values: ('a', 'b'). -#}
{% macro sql_value_list(domain) -%}
    ({%- for value in canonical_values(domain) -%}
        '{{ value }}'{{ ", " if not loop.last }}
    {%- endfor -%})
{%- endmacro %}

{#- Trimmed text, NULL when empty. -#}
{% macro clean_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{#- The canonical value of an enumeration (trimmed, case-folded, `-`/space as `_`, synonyms mapped),
    or NULL when the text is empty OR not a known value (quarantine_reason says which). -#}
{% macro canonical_token(column, domain) -%}
    {{ return(adapter.dispatch('canonical_token', 'support_warehouse')(column, domain)) }}
{%- endmacro %}

{% macro default__canonical_token(column, domain) -%}
    {%- set token = normalize_token(column) -%}
    {%- set synonyms = canonical_synonyms(domain) -%}
    case
        {%- for synonym, canonical in synonyms.items() %}
        when {{ token }} = '{{ synonym }}' then '{{ canonical }}'
        {%- endfor %}
        when {{ token }} in {{ sql_value_list(domain) }} then {{ token }}
    end
{%- endmacro %}

{#- DuckDB: a value delivered in its canonical form (most are) is taken as it is, without the
    string functions of the normalization; any other is normalized once and looked up among the
    synonyms and canonical values. The normalized text is written once on purpose: DuckDB's
    optimizer computes an expression written twice once, for every row, before the CASE, so also
    for the rows an earlier branch took. At 1M tickets this takes about 0.8 s off the 12 s of
    base_landing__ticket_events (four such columns, 9.7 million rows). -#}
{% macro duckdb__canonical_token(column, domain) -%}
    {%- set lookup = [] -%}
    {%- for value in canonical_values(domain) -%}
        {%- if value != value.lower().strip().replace('-', '_').replace(' ', '_') -%}
            {{ exceptions.raise_compiler_error(
                "canonical value '" ~ value ~ "' of " ~ domain ~ " is not in its normalized form"
            ) }}
        {%- endif -%}
        {%- do lookup.append("'" ~ value ~ "': '" ~ value ~ "'") -%}
    {%- endfor -%}
    {%- for synonym, canonical in canonical_synonyms(domain).items() -%}
        {%- do lookup.append("'" ~ synonym ~ "': '" ~ canonical ~ "'") -%}
    {%- endfor -%}
    case
        when {{ column }} in {{ sql_value_list(domain) }} then {{ column }}
        else map_extract_value(map { {{- lookup | join(', ') -}} }, {{ normalize_token(column) }})
    end
{%- endmacro %}

{#- Numbers and seconds: NULL when empty or not a finite number, so that the row is quarantined
    as unparseable. DuckDB and Spark read 'NaN', 'Infinity' and '1e400' as doubles (NaN and
    infinities), which no later step can use: a NaN second stops the cast to exact seconds of
    every night after (NaN is above every number on all three engines, so `between` rejects it). -#}
{% macro text_to_double(column) -%}
    {%- set parsed = try_cast(clean_text(column), 'double') -%}
    case
        when {{ parsed }} between -1.7976931348623157e308 and 1.7976931348623157e308
            then {{ parsed }}
    end
{%- endmacro %}

{#- ---- Quarantine reasons. Each helper renders `case when <problem> then '<reason>' end`, reading the
    cleaned column `<column>` and the text as delivered `raw_<column>` of the same row. ---- -#}

{#- The delivered text for a message, quoted: 'value'. -#}
{% macro _quoted_raw(column) -%}
    '''' || trim(raw_{{ column }}) || ''''
{%- endmacro %}

{% macro reason_missing(column) -%}
    case when nullif(trim(raw_{{ column }}), '') is null then 'missing {{ column }}' end
{%- endmacro %}

{#- A non-empty value whose cleaned column is NULL did not parse (timestamps, numbers, booleans). -#}
{% macro reason_unparseable(column) -%}
    case
        when nullif(trim(raw_{{ column }}), '') is not null and {{ column }} is null
            then 'unparseable {{ column }} ' || {{ _quoted_raw(column) }}
    end
{%- endmacro %}

{#- A non-empty value that is not a known canonical value (after trimming, case-folding, synonyms). -#}
{% macro reason_unknown(column, label=none) -%}
    case
        when nullif(trim(raw_{{ column }}), '') is not null and {{ column }} is null
            then 'unknown {{ label or column }} ' || {{ _quoted_raw(column) }}
    end
{%- endmacro %}

{% macro reason_negative(column) -%}
    case when {{ column }} < 0 then 'negative {{ column }}' end
{%- endmacro %}

{#- A value above `limit` (seconds beyond what any later sum of exact seconds can hold). -#}
{% macro reason_too_large(column, limit) -%}
    case
        when {{ column }} > {{ limit }}
            then '{{ column }} ' || {{ _quoted_raw(column) }} || ' over {{ limit }}'
    end
{%- endmacro %}

{% macro reason_before(later_column, earlier_column) -%}
    case
        when {{ later_column }} < {{ earlier_column }}
            then '{{ later_column }} before {{ earlier_column }}'
    end
{%- endmacro %}

{#- All reasons of a row joined with '; ', NULL when the row is good. concat_ws skips NULLs on
    DuckDB, Postgres and Spark. -#}
{% macro quarantine_reason(reasons) -%}
    nullif(concat_ws(
        '; '
        {%- for reason in reasons %},
        {{ reason }}
        {%- endfor %}
    ), '')
{%- endmacro %}

{#- ---- Model shapes shared by every entity. ---- -#}

{#- The winning version per key among the good rows of a base relation (a CTE name or a ref), with
    versions_count = how many good versions of the key were delivered (superseded = versions_count - 1).
    Order: version_column desc nulls last (when given), then later _file_id, then later _source_row.
    In an incremental run it ranks only the keys that new files touched (all their versions, old
    and new): the model's base CTE is read twice then, so it is inlined (`inline_cte`), or DuckDB
    would first copy every base row to compute it once. The good versions of those keys, read
    three times below, are few then and computed once (`scoped_cte`: each inline read scanned the
    whole base table again, 2.3 s instead of 1.2 s for the ticket events' staging at 1M tickets);
    in a full build they are every row and stay inline. Renders a complete select statement, for
    use inside a CTE. -#}
{% macro latest_version(relation, key, version_column=none) -%}
    {#- Most keys have a single good version: they are taken as they are, and only the keys
        with more are ranked (a window over every row would sort them all: about a third of the
        ticket events' staging time at 1M tickets). Names are prefixed: they live inside the
        model's CTE, and Spark rejects an inner CTE named like an outer one. -#}
    with lv_good_versions as {{ scoped_cte() }} (
        select *
        from {{ relation }}
        where
            quarantine_reason is null
            and not coalesce(is_conflicting_duplicate, false)
            {%- if is_incremental() %}
            -- incremental run: only keys with a row in a file this model has not seen; the
            -- delete+insert on the key then replaces their previous winner
            and {{ key }} in (select {{ key }} from {{ relation }} {{ rows_from_new_files() }})
            {%- endif %}
    ),

    lv_version_counts as (
        select
            {{ key }},
            count(*) as versions_count
        from lv_good_versions
        group by {{ key }}
    ),

    lv_ranked_versions as (
        select
            *,
            row_number() over (
                partition by {{ key }}
                order by
                    {%- if version_column %}
                    {{ version_column }} desc nulls last,
                    {%- endif %}
                    _file_id desc nulls last,
                    _source_row desc nulls last
            ) as version_rank
        from lv_good_versions
        where {{ key }} in (
            select lv_version_counts.{{ key }} from lv_version_counts
            where lv_version_counts.versions_count > 1
        )
    )

    select
        lv_good_versions.*,
        1 as version_rank,
        1 as versions_count
    from lv_good_versions
    where {{ key }} in (
        select lv_version_counts.{{ key }} from lv_version_counts
        where lv_version_counts.versions_count = 1
    )

    union all

    select
        lv_ranked_versions.*,
        lv_version_counts.versions_count
    from lv_ranked_versions
    inner join lv_version_counts
        on lv_ranked_versions.{{ key }} = lv_version_counts.{{ key }}
    where lv_ranked_versions.version_rank = 1
{%- endmacro %}

{#- Contract columns per entity (contract.py ENTITIES), used to list the raw values of quarantined
    rows. Base models still name every column explicitly. -#}
{% macro landing_columns(entity) -%}
    {%- set columns = {
        'tickets': [
            'ticket_id', 'created_at', 'updated_at', 'customer_id', 'assignee_id', 'team_id',
            'channel', 'priority', 'status', 'type', 'category', 'tags', 'subject', 'created_by_role',
        ],
        'ticket_events': [
            'event_id', 'ticket_id', 'created_at', 'event_type', 'actor_id', 'actor_role',
            'is_public', 'from_value', 'to_value', 'macro_id', 'body',
        ],
        'chat_conversations': [
            'conversation_id', 'started_at', 'ended_at', 'customer_id', 'assignee_id', 'team_id',
            'channel', 'status', 'ticket_id',
        ],
        'chat_messages': [
            'message_id', 'conversation_id', 'sent_at', 'author_id', 'author_role', 'body',
        ],
        'calls': [
            'call_id', 'queued_at', 'answered_at', 'ended_at', 'direction', 'customer_id',
            'agent_id', 'team_id', 'hold_seconds', 'wrap_up_seconds', 'ticket_id',
        ],
        'survey_responses': [
            'response_id', 'survey_type', 'score', 'responded_at', 'sent_at', 'customer_id',
            'ticket_id', 'conversation_id', 'call_id', 'agent_id', 'topic', 'comment',
        ],
        'agents': [
            'agent_id', 'name', 'email', 'team_id', 'role', 'timezone', 'hired_at', 'left_at',
        ],
        'teams': ['team_id', 'name', 'schedule_id'],
        'customers': [
            'customer_id', 'organization_id', 'name', 'email', 'segment', 'country', 'timezone',
            'created_at',
        ],
        'subscriptions': [
            'subscription_id', 'customer_id', 'started_at', 'cancelled_at', 'plan',
            'monthly_amount', 'cancellation_reason',
        ],
        'returns': ['return_id', 'customer_id', 'returned_at', 'order_id', 'reason', 'amount'],
        'kb_article_views': [
            'view_id', 'article_id', 'viewed_at', 'customer_id', 'session_id', 'article_title',
            'was_helpful',
        ],
        'macros': ['macro_id', 'title', 'kind', 'is_active'],
    } -%}
    {{- return(columns[entity]) -}}
{%- endmacro %}

{#- The quarantined rows of a base relation: reason, where the row came from, and every contract
    column as delivered (text, untrimmed). Renders a complete select statement. -#}
{% macro quarantined_rows(relation, entity) -%}
    select
        '{{ entity }}' as entity,
        case
            when coalesce(is_conflicting_duplicate, false) and quarantine_reason is not null
                then quarantine_reason || '; ' || {{ conflicting_duplicate_reason() }}
            when coalesce(is_conflicting_duplicate, false)
                then {{ conflicting_duplicate_reason() }}
            else quarantine_reason
        end as quarantine_reason,
        _source_file,
        _source_row,
        _loaded_at,
        _file_id
        {%- for column in landing_columns(entity) %},
        raw_{{ column }}
        {%- endfor %}
    from {{ relation }}
    where quarantine_reason is not null or coalesce(is_conflicting_duplicate, false)
{%- endmacro %}

{#- The tail of every base model's `cleaned` step: each contract column as delivered
    (`raw_<column>`, read by the quarantine reasons; base_rows keeps it only for quarantined rows)
    and the four load-metadata columns. -#}
{% macro landing_passthrough_columns(entity) -%}
    {%- for column in landing_columns(entity) %}
        {{ column }} as raw_{{ column }},
    {%- endfor %}
        _source_file,
        _source_row,
        _loaded_at,
        _file_id
{%- endmacro %}

{% macro conflicting_duplicate_reason() -%}
    'conflicting duplicate: the same id appears again in this file with different content'
{%- endmacro %}

{#- The keys and files in which one key appears more than once with different content: which
    version is right cannot be told, so every row of such a key and file is quarantined (identical
    repeats are not conflicts; the last one wins as usual). `source_relation` holds the rows as
    delivered (raw text). Two hash aggregations: the keys seen more than once per file, then the
    min and max of the row text of those keys only (a window over every row's text cost most of
    a base model's time: about 30 s of CPU for 9.6M ticket events). Renders a select of
    `key` (cleaned) and `_file_id`. -#}
{% macro conflicting_duplicate_keys(source_relation, entity, key) -%}
    {%- set content -%}
        {%- for column in landing_columns(entity) -%}
            coalesce(cd_rows.{{ column }}, '<null>'){% if not loop.last %} || '|' || {% endif %}
        {%- endfor -%}
    {%- endset -%}
    select
        cd_repeated.{{ key }},
        cd_repeated._file_id
    from (
        select
            {{ clean_text(key) }} as {{ key }},
            _file_id
        from {{ source_relation }}
        where {{ clean_text(key) }} is not null
        group by {{ clean_text(key) }}, _file_id
        having count(*) > 1
    ) as cd_repeated
    inner join {{ source_relation }} as cd_rows
        on {{ clean_text('cd_rows.' ~ key) }} = cd_repeated.{{ key }}
        and cd_rows._file_id = cd_repeated._file_id
    group by cd_repeated.{{ key }}, cd_repeated._file_id
    having min({{ content }}) != max({{ content }})
{%- endmacro %}

{#- The last step of every base model: the rows of `relation` (cleaned and checked, with their
    quarantine_reason) flagged `is_conflicting_duplicate` by conflicting_duplicate_keys() over
    `source_relation` (the rows as delivered). Keeps the cleaned `columns`, each contract column as
    delivered (`raw_<column>`) for the rows the quarantine takes (a reason or a conflicting
    duplicate) and NULL for good rows, whose delivered text stays in the raw table (writing it
    twice cost about a fifth of the ticket events' base model), the load metadata, the reason and
    the flag. -#}
{% macro base_rows(relation, source_relation, entity, key, columns) -%}
    {%- set is_conflict = 'br_conflicts.' ~ key ~ ' is not null' -%}
    select
        {%- for column in columns %}
        br_rows.{{ column }},
        {%- endfor %}
        {%- for column in landing_columns(entity) %}
        case
            when br_rows.quarantine_reason is not null or {{ is_conflict }}
                then br_rows.raw_{{ column }}
        end as raw_{{ column }},
        {%- endfor %}
        br_rows._source_file,
        br_rows._source_row,
        br_rows._loaded_at,
        br_rows._file_id,
        br_rows.quarantine_reason,
        {{ is_conflict }} as is_conflicting_duplicate
    from {{ relation }} as br_rows
    left join ({{ conflicting_duplicate_keys(source_relation, entity, key) }}) as br_conflicts
        on
            br_rows.{{ key }} = br_conflicts.{{ key }}
            and br_rows._file_id = br_conflicts._file_id
{%- endmacro %}
