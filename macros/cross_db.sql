{#- Cross-database helpers. Every engine-specific expression in the project lives here, dispatched
    per adapter (default__ = DuckDB/Postgres syntax, spark__ where Spark differs). Models call these,
    never the engine functions directly. Timestamps are naive and in UTC from staging on. -#}

{#- Seconds since the epoch of a naive UTC timestamp, as a double. Durations are differences of
    these: dbt.datediff counts boundaries crossed and disagrees between engines. -#}
{% macro epoch_seconds(ts) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'support_warehouse')(ts)) }}
{%- endmacro %}
{% macro default__epoch_seconds(ts) -%}
    extract(epoch from {{ ts }})
{%- endmacro %}
{% macro postgres__epoch_seconds(ts) -%}
    cast(extract(epoch from {{ ts }}) as double precision)
{%- endmacro %}
{% macro duckdb__epoch_seconds(ts) -%}
    epoch({{ ts }})
{%- endmacro %}
{% macro spark__epoch_seconds(ts) -%}
    cast(unix_timestamp({{ ts }}) as double)
{%- endmacro %}

{#- Minutes from start_ts to end_ts as a decimal (not rounded). NULL when either is NULL. -#}
{% macro minutes_between(start_ts, end_ts) -%}
    (({{ epoch_seconds(end_ts) }}) - ({{ epoch_seconds(start_ts) }})) / 60.0
{%- endmacro %}

{#- Sum and mean of seconds (or minutes) as exact decimals, to the microsecond (up to 31,000
    years), returned as doubles. A sum of doubles depends on the order the threads add them in,
    so a rerun on the same data could change the last digits; these cannot. -#}
{% macro exact_seconds_type() -%}
    decimal(18, 6)
{%- endmacro %}

{% macro exact_sum(expr) -%}
    cast(sum(cast({{ expr }} as {{ exact_seconds_type() }})) as {{ type_double() }})
{%- endmacro %}

{% macro exact_avg(expr) -%}
    cast(avg(cast({{ expr }} as {{ exact_seconds_type() }})) as {{ type_double() }})
{%- endmacro %}

{% macro seconds_between(start_ts, end_ts) -%}
    (({{ epoch_seconds(end_ts) }}) - ({{ epoch_seconds(start_ts) }}))
{%- endmacro %}

{#- A cast that yields NULL instead of failing. -#}
{% macro try_cast(expr, data_type) -%}
    {{ return(adapter.dispatch('try_cast', 'support_warehouse')(expr, data_type)) }}
{%- endmacro %}
{% macro default__try_cast(expr, data_type) -%}
    try_cast({{ expr }} as {{ data_type }})
{%- endmacro %}
{#- Postgres has no try_cast (pg_input_is_valid comes with 16): the text is cast only when it has
    the shape of the type, else NULL. A value of the right shape that is still invalid (30 February,
    an integer beyond bigint) makes the statement fail instead of giving NULL. A double has at
    most 30 digits before its point, 200 after it and a two-digit exponent, so it can neither
    overflow nor underflow ('1e400' is NULL, as NaN and Infinity are). -#}
{% macro postgres__try_cast(expr, data_type) -%}
    {%- set kind = data_type | lower | trim -%}
    {%- set patterns = {
        'double': '^\\s*[-+]?([0-9]{1,30}([.][0-9]{0,200})?|[.][0-9]{1,200})([eE][-+]?[0-9]{1,2})?\\s*$',
        'integer': '^\\s*[-+]?[0-9]{1,9}\\s*$',
        'bigint': '^\\s*[-+]?[0-9]{1,18}\\s*$',
        'date': '^\\s*[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])\\s*$',
        'timestamp': '^\\s*[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])'
            ~ '([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?)?\\s*$',
        'timestamptz': '^\\s*[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])'
            ~ '([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?)?'
            ~ '\\s*([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)?\\s*$',
    } -%}
    {%- set aliases = {
        'double precision': 'double', 'float8': 'double', 'int': 'integer', 'int4': 'integer',
        'int8': 'bigint', 'timestamp with time zone': 'timestamptz',
    } -%}
    {%- set kind = aliases.get(kind, kind) -%}
    {%- set pg_type = 'double precision' if kind == 'double' else data_type -%}
    {%- if kind in patterns -%}
        case
            when ({{ expr }}) ~ '{{ patterns[kind] }}' then cast({{ expr }} as {{ pg_type }})
        end
    {%- elif kind == 'boolean' -%}
        case
            when lower(trim({{ expr }})) in ('true', 'false', 't', 'f', '1', '0', 'yes', 'no')
                then cast(trim({{ expr }}) as boolean)
        end
    {%- else -%}
        cast({{ expr }} as {{ pg_type }})
    {%- endif -%}
{%- endmacro %}

{#- A double rounded to `digits` decimals (Postgres rounds only numeric to a number of digits). -#}
{% macro round_double(expr, digits) -%}
    {{ return(adapter.dispatch('round_double', 'support_warehouse')(expr, digits)) }}
{%- endmacro %}
{% macro default__round_double(expr, digits) -%}
    round({{ expr }}, {{ digits }})
{%- endmacro %}
{% macro postgres__round_double(expr, digits) -%}
    round(cast({{ expr }} as numeric), {{ digits }})
{%- endmacro %}

{#- The 8-byte floating-point type: `double` on DuckDB and Spark, `double precision` on Postgres. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'support_warehouse')()) }}
{%- endmacro %}
{% macro default__type_double() -%}
    double precision
{%- endmacro %}
{% macro duckdb__type_double() -%}
    double
{%- endmacro %}
{% macro spark__type_double() -%}
    double
{%- endmacro %}

{#- A naive UTC timestamp shown as local wall-clock time in an IANA zone. -#}
{% macro utc_to_local(ts_utc, tz) -%}
    {#- In UTC the wall-clock time is the naive UTC timestamp itself: no conversion, which costs
        two time-zone lookups a row (a third of a daily rollup's time at 1M tickets). -#}
    {%- if tz | trim | upper in ("'UTC'", "'ETC/UTC'") -%}
        {{ return('(' ~ ts_utc ~ ')') }}
    {%- endif -%}
    {{ return(adapter.dispatch('utc_to_local', 'support_warehouse')(ts_utc, tz)) }}
{%- endmacro %}
{% macro default__utc_to_local(ts_utc, tz) -%}
    (({{ ts_utc }}) at time zone 'UTC') at time zone {{ tz }}
{%- endmacro %}
{% macro duckdb__utc_to_local(ts_utc, tz) -%}
    timezone({{ tz }}, timezone('UTC', {{ ts_utc }}))
{%- endmacro %}
{% macro spark__utc_to_local(ts_utc, tz) -%}
    from_utc_timestamp({{ ts_utc }}, {{ tz }})
{%- endmacro %}

{#- Local wall-clock time in an IANA zone turned into a naive UTC timestamp. Where the clocks
    jump, every engine gives the instant DuckDB and PostgreSQL give: a time in an hour repeated
    when the clocks go back is the later of its two instants (standard time), a time in an hour
    skipped when they go forward is read with the offset before the change (02:30 becomes 03:30
    daylight time). -#}
{% macro local_to_utc(ts_local, tz) -%}
    {{ return(adapter.dispatch('local_to_utc', 'support_warehouse')(ts_local, tz)) }}
{%- endmacro %}
{% macro default__local_to_utc(ts_local, tz) -%}
    (({{ ts_local }}) at time zone {{ tz }}) at time zone 'UTC'
{%- endmacro %}
{% macro duckdb__local_to_utc(ts_local, tz) -%}
    timezone('UTC', timezone({{ tz }}, {{ ts_local }}))
{%- endmacro %}
{#- Spark (java.time) reads a repeated time as the earlier instant. The later one uses the offset
    in force 3 hours after the earlier (no zone changes its clocks twice in 3 hours; the closest
    two changes in the tz database are a week apart, see tests/test_time_zone_rules.py): it is
    taken when it is later and shows the same wall-clock time. -#}
{% macro spark__local_to_utc(ts_local, tz) -%}
    {%- set earlier = 'to_utc_timestamp(' ~ ts_local ~ ', ' ~ tz ~ ')' -%}
    {%- set probe = 'timestamp_seconds(unix_seconds(' ~ earlier ~ ') + 10800)' -%}
    {%- set later -%}
        timestamp_seconds(
            unix_seconds({{ ts_local }})
            - (unix_seconds(from_utc_timestamp({{ probe }}, {{ tz }})) - unix_seconds({{ probe }}))
        )
    {%- endset -%}
    case
        when {{ later }} > {{ earlier }} and from_utc_timestamp({{ later }}, {{ tz }}) = {{ ts_local }}
            then {{ later }}
        else {{ earlier }}
    end
{%- endmacro %}

{#- Regular expressions on text, each pattern written once with single backslashes (the subset
    used here means the same in DuckDB's RE2, PostgreSQL's ARE and Spark's Java regex): Spark's
    SQL strings unescape backslashes, so its variants double them, and its replacement strings
    name a group as `$1` instead of `\1`. -#}
{% macro matches_pattern(text_expr, pattern) -%}
    {{ return(adapter.dispatch('matches_pattern', 'support_warehouse')(text_expr, pattern)) }}
{%- endmacro %}
{% macro default__matches_pattern(text_expr, pattern) -%}
    regexp_matches({{ text_expr }}, '{{ pattern }}')
{%- endmacro %}
{% macro postgres__matches_pattern(text_expr, pattern) -%}
    ({{ text_expr }} ~ '{{ pattern }}')
{%- endmacro %}
{% macro spark__matches_pattern(text_expr, pattern) -%}
    ({{ text_expr }} rlike '{{ pattern | replace("\\", "\\\\") }}')
{%- endmacro %}

{#- The text with the first match of `pattern` replaced (`\1` in `replacement` is the first
    group). -#}
{% macro replace_pattern(text_expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('replace_pattern', 'support_warehouse')(
        text_expr, pattern, replacement
    )) }}
{%- endmacro %}
{% macro default__replace_pattern(text_expr, pattern, replacement) -%}
    regexp_replace({{ text_expr }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}
{% macro spark__replace_pattern(text_expr, pattern, replacement) -%}
    regexp_replace(
        {{ text_expr }}, '{{ pattern | replace("\\", "\\\\") }}', '{{ replacement | replace("\\1", "$1") }}'
    )
{%- endmacro %}

{#- A time of day followed by a UTC offset, Z, UTC or GMT at the end (ISO-8601; the designator may
    follow a space, as in Ruby's `2024-05-01 09:30:00 +0200` or `... UTC`). -#}
{% macro utc_offset_pattern() -%}
[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?\s*([zZ]|[uU][tT][cC]|[gG][mM][tT]|[+-][0-9]{2}(:?[0-9]{2})?)$
{%- endmacro %}

{#- Z, UTC or GMT at the end, after optional spaces (read as +00:00), and an offset after spaces
    (the spaces dropped). No `{n}` counts in the second: the raw suites (orchestration/quality/
    raw_suites.py `_ts`) use the same two patterns in GX queries, which fill `{batch}` with
    str.format; a test keeps them equal. -#}
{% macro utc_designator_pattern() -%}
\s*([zZ]|[uU][tT][cC]|[gG][mM][tT])$
{%- endmacro %}
{% macro spaced_offset_pattern() -%}
\s+([+-][0-9][0-9](:?[0-9][0-9])?)$
{%- endmacro %}

{#- An ISO-8601 date or date-time without an offset: a date, then a `T` or a space and hh:mm,
    optional seconds and fraction. -#}
{% macro naive_iso_pattern() -%}
^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?)?$
{%- endmacro %}

{% macro has_utc_offset(text_expr) -%}
    {{ matches_pattern(text_expr, utc_offset_pattern()) }}
{%- endmacro %}

{#- The text of has_utc_offset with its designator in the one form every engine reads: Z, UTC
    and GMT (any case) as +00:00, no space before an offset. Used only when the text as delivered
    does not cast. -#}
{% macro utc_offset_normalized(text_expr) -%}
    {{ replace_pattern(
        replace_pattern(text_expr, utc_designator_pattern(), '+00:00'),
        spaced_offset_pattern(),
        '\\1'
    ) }}
{%- endmacro %}

{#- Only text of naive_iso_pattern is read as wall-clock time in LANDING_DEFAULT_TIMEZONE:
    DuckDB's and Spark's timestamp casts drop or read whatever follows the time (`Europe/Berlin`,
    `EST`, `GMT+02:00`, `+1`, `PM`), and a zone abbreviation is ambiguous (CST), so any other text
    is unparseable on every engine (quarantined), as PostgreSQL's shape check already made it. -#}
{% macro is_naive_iso(text_expr) -%}
    {{ matches_pattern(text_expr, naive_iso_pattern()) }}
{%- endmacro %}

{#- ISO-8601 text to a naive UTC timestamp. With an offset, Z, UTC or GMT the instant is kept;
    with the shape of a naive ISO date or date-time it is read as wall-clock time in `default_tz`;
    anything else (a zone name or abbreviation, AM/PM) is unparseable. Unparseable text gives NULL
    (staging quarantines such rows with a reason). -#}
{% macro text_to_utc(text_expr, default_tz=none) -%}
    {%- set tz = default_tz if default_tz is not none else "'" ~ landing_default_timezone() ~ "'" -%}
    {{ return(adapter.dispatch('text_to_utc', 'support_warehouse')(text_expr, tz)) }}
{%- endmacro %}
{% macro default__text_to_utc(text_expr, tz) -%}
    {%- set text = 'trim(' ~ text_expr ~ ')' -%}
    case
        when nullif({{ text }}, '') is null then null
        when {{ has_utc_offset(text) }}
            then timezone('UTC', coalesce(
                try_cast({{ text }} as timestamptz),
                try_cast({{ utc_offset_normalized(text) }} as timestamptz)
            ))
        when {{ is_naive_iso(text) }}
            then {{ local_to_utc(try_cast(text, 'timestamp'), tz) }}
    end
{%- endmacro %}
{% macro postgres__text_to_utc(text_expr, tz) -%}
    {%- set text = 'trim(' ~ text_expr ~ ')' -%}
    case
        when nullif({{ text }}, '') is null then null
        when {{ has_utc_offset(text) }}
            then coalesce(
                {{ try_cast(text, 'timestamptz') }},
                {{ try_cast(utc_offset_normalized(text), 'timestamptz') }}
            ) at time zone 'UTC'
        when {{ is_naive_iso(text) }}
            then {{ local_to_utc(try_cast(text, 'timestamp'), tz) }}
    end
{%- endmacro %}
{% macro spark__text_to_utc(text_expr, tz) -%}
    {%- set text = 'trim(' ~ text_expr ~ ')' -%}
    case
        when nullif({{ text }}, '') is null then null
        when {{ has_utc_offset(text) }}
            then to_utc_timestamp(coalesce(
                try_cast({{ text }} as timestamp),
                try_cast({{ utc_offset_normalized(text) }} as timestamp)
            ), 'UTC')
        when {{ is_naive_iso(text) }}
            then {{ local_to_utc('try_cast(' ~ text ~ ' as timestamp)', tz) }}
    end
{%- endmacro %}

{#- Normalised lower-case token: trimmed, lower-cased, inner spaces and dashes as underscores. -#}
{% macro normalize_token(text_expr) -%}
    nullif(replace(replace(lower(trim({{ text_expr }})), '-', '_'), ' ', '_'), '')
{%- endmacro %}

{#- Boolean from true/false/1/0/yes/no/t/f/y/n in any case; anything else NULL. -#}
{% macro text_to_boolean(text_expr) -%}
    case lower(trim({{ text_expr }}))
        when 'true' then true when 't' then true when '1' then true
        when 'yes' then true when 'y' then true
        when 'false' then false when 'f' then false when '0' then false
        when 'no' then false when 'n' then false
    end
{%- endmacro %}

{#- A list delivered as `a;b;c` (CSV) or as a JSON array text `["a","b"]` (JSON, Parquet), as a
    `;`-joined lower-case text with no spaces around items: portable, and searchable with
    list_contains_token(). -#}
{% macro text_to_token_list(text_expr) -%}
    {{ return(adapter.dispatch('text_to_token_list', 'support_warehouse')(text_expr)) }}
{%- endmacro %}
{% macro default__text_to_token_list(text_expr) -%}
    nullif(
        lower(trim(both ';' from regexp_replace(
            regexp_replace(trim({{ text_expr }}), '^\[|\]$|"', '', 'g'),
            '\s*[;,]\s*', ';', 'g'
        ))),
        ''
    )
{%- endmacro %}
{% macro spark__text_to_token_list(text_expr) -%}
    nullif(lower(regexp_replace(regexp_replace(
        regexp_replace(trim({{ text_expr }}), '^\\[|\\]$|"', ''),
        '\\s*[;,]\\s*', ';'), '^;+|;+$', '')), '')
{%- endmacro %}

{#- True when a `;`-joined token list holds the token. -#}
{% macro list_contains_token(list_expr, token_expr) -%}
    (';' || coalesce({{ list_expr }}, '') || ';') like ('%;' || {{ token_expr }} || ';%')
{%- endmacro %}

{#- Settings read from the environment (see README), with the documented defaults. -#}
{% macro landing_default_timezone() -%}
    {{- return(env_var('LANDING_DEFAULT_TIMEZONE', 'UTC')) -}}
{%- endmacro %}
{#- The dbt var reporting_timezone wins over the environment so that unit tests can pin it. -#}
{% macro reporting_timezone() -%}
    {{- return(var('reporting_timezone', env_var('REPORTING_TIMEZONE', 'UTC'))) -}}
{%- endmacro %}

{#- The as-of instant (naive UTC): dbt var as_of, or the build time. Open tickets' running clocks
    stop here. -#}
{% macro as_of_timestamp() -%}
    {%- set as_of = var('as_of', none) -%}
    {%- if as_of -%}
        cast('{{ as_of }}' as timestamp)
    {%- else -%}
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp)
    {%- endif -%}
{%- endmacro %}

{#- The reporting-day (local date in REPORTING_TIMEZONE) of a naive UTC timestamp. -#}
{% macro reporting_date(ts_utc) -%}
    cast({{ utc_to_local(ts_utc, "'" ~ reporting_timezone() ~ "'") }} as date)
{%- endmacro %}

{#- One row per calendar day from start_date_expr to end_date_expr (both inclusive), column date_day.
    The arguments are SQL expressions (scalar subqueries allowed). -#}
{% macro day_series(start_date_expr, end_date_expr) -%}
    {{ return(adapter.dispatch('day_series', 'support_warehouse')(start_date_expr, end_date_expr)) }}
{%- endmacro %}
{% macro default__day_series(start_date_expr, end_date_expr) -%}
    select cast(generate_series(
        cast({{ start_date_expr }} as timestamp),
        cast({{ end_date_expr }} as timestamp),
        interval '1 day'
    ) as date) as date_day
{%- endmacro %}
{% macro duckdb__day_series(start_date_expr, end_date_expr) -%}
    select cast(range as date) as date_day
    from range(
        cast({{ start_date_expr }} as timestamp),
        cast({{ end_date_expr }} as timestamp) + interval 1 day,
        interval 1 day
    )
{%- endmacro %}
{% macro spark__day_series(start_date_expr, end_date_expr) -%}
    select explode(sequence(
        cast({{ start_date_expr }} as date), cast({{ end_date_expr }} as date), interval 1 day
    )) as date_day
{%- endmacro %}

{#- Placed between a CTE's name and AS's parenthesis (`events as {{ inline_cte() }} (`): read the
    CTE as written wherever it is used. DuckDB (and Postgres) otherwise compute a CTE used twice
    once and keep all its rows, before the filters of the steps that read it; for a large import
    CTE that each step filters differently, two filtered reads are far cheaper. Engines without
    the hint (Spark) get nothing. -#}
{% macro inline_cte() -%}
    {{ return(adapter.dispatch('inline_cte', 'support_warehouse')()) }}
{%- endmacro %}
{% macro default__inline_cte() -%}
{%- endmacro %}
{% macro duckdb__inline_cte() -%}
    not materialized
{%- endmacro %}
{% macro postgres__inline_cte() -%}
    not materialized
{%- endmacro %}

{#- For an import CTE filtered to the refresh scope (macros/refresh_scope.sql) and read more than
    once: inline in a full build (it holds every row), computed once in an incremental run (it
    holds the few rows in scope, and each inline read would scan the whole table again). -#}
{% macro scoped_cte() -%}
    {%- if not is_incremental() -%}
        {{ inline_cte() }}
    {%- endif -%}
{%- endmacro %}
