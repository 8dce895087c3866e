{#-
    Business-hours engine: business clock, business deadlines, calendar helpers and the blocking
    checks on the schedule seeds.

    Model
    -----
    `int_business_windows_expanded` holds one row per schedule and business window, in naive UTC:
    schedule_id, window_start_at, window_end_at, window_seconds, cumulative_seconds_before (sum of
    the window_seconds of the schedule's earlier windows) and next_window_start_at. It covers the
    local calendar days from var('business_calendar_start', '2000-01-01') to
    var('business_calendar_end') (default: as_of_timestamp() + 3 years). Outside that range the clock
    is flat (0 before, the total after) and deadlines past the end are NULL.

    The business clock of a schedule at an instant t (seconds of open time since the calendar start):
        F(t) = cumulative_seconds_before(w) + clamp(t - w.window_start_at, 0, w.window_seconds)
    for the last window w of the schedule with window_start_at <= t (0 before its first window).
    Business seconds between t1 and t2 = F(t2) - F(t1), with no cap on the span length.

    Which schedule a ticket uses is the caller's business: the schedule of the ticket's team
    (teams.schedule_id), else var('default_schedule_id') ('default'). Single-event metrics (first
    reply, resolutions) apply one schedule to the whole span.

    business_clock(relation, schedule_column, timestamp_column, output_column, windows_relation=none)
        Returns a SELECT of every column of `relation` (a relation or the name of a CTE defined
        before the call) plus `output_column`: F(timestamp_column) in seconds (double).
        NULL when the timestamp is NULL or the schedule id is unknown / has no open hours (never a
        silent 0), and on DuckDB beyond the per-day limit below. `schedule_column` and `timestamp_column` are column names of `relation`;
        `output_column` must not exist in it. windows_relation defaults to
        ref('int_business_windows_expanded').
        Example:
            with spans as (select ticket_id, schedule_id, created_at, solved_at from ...),
            created_clock as (
                {{ business_clock('spans', 'schedule_id', 'created_at', 'created_clock_seconds') }}
            ),
            solved_clock as (
                {{ business_clock('created_clock', 'schedule_id', 'solved_at',
                                  'solved_clock_seconds') }}
            ),
            measured as (
                select *, (solved_clock_seconds - created_clock_seconds) / 60.0
                    as business_minutes_to_solve
                from solved_clock
            )

    business_deadline(relation, schedule_column, start_timestamp_column, target_seconds_column,
                      output_column, windows_relation=none, start_clock_column=none)
        Returns a SELECT of every column of `relation` plus `output_column`: the earliest instant at
        which the business clock reaches F(start) + target (naive UTC timestamp). A target running
        out exactly at the end of a business window gives that END, not the start of the next
        window. target 0 gives the start itself; NULL when start or target is NULL, the target is
        negative, the schedule is unknown, or the deadline lies past the end of the calendar.
        `target_seconds_column` may be a column name or an expression over the columns of
        `relation` qualified with nothing (e.g. 'target_minutes * 60') whose column names are
        not schedule_id or a column of the windows model. `start_clock_column` optionally names a
        column of `relation` that already holds business_clock() of the start (same schedule and
        windows): the start clock is then read from it instead of being computed again.
    The DuckDB clock supports up to 6 windows per schedule that can hold an instant of one UTC day
    (blocking test business_clock_days_within_limit on the windows model), the DuckDB deadline up
    to 6 windows per schedule and hour of business clock (business_deadline_hours_within_limit).

    DuckDB computes the clock with a hash join on (schedule, UTC day) to the day's candidate
    windows, so instants are never sorted (4.3M points about 0.6 s of CPU against 1.6 s for the
    ASOF join it replaced, busy machine), and the deadline with a hash join on (schedule, hour of
    business clock) to the windows that can hold the target clock, likewise never sorting the
    targets. Other adapters get a portable range join on
    [window_start_at, next_window_start_at) (correct everywhere, but its cost depends on the
    engine's range-join support; on DuckDB it takes about a minute per million points; on Postgres
    index the windows table on (schedule_id, window_start_at)).

    Time zones: an unknown zone name fails the blocking seed test valid_timezone_name (naming the
    schedule) and, if the model is built anyway, DuckDB's own "Unknown TimeZone" error: never a
    silent 0. An opening time inside a skipped DST hour is read with the pre-transition offset;
    one inside a repeated hour resolves to its SECOND occurrence (DuckDB). The shipped schedules
    have no boundary in either.
-#}

{#- ------------------------------------------------------------------ clock and deadline -#}

{% macro business_windows_relation(windows_relation=none) -%}
    {%- if windows_relation is none -%}
        {{ return(ref('int_business_windows_expanded')) }}
    {%- else -%}
        {{ return(windows_relation) }}
    {%- endif -%}
{%- endmacro %}

{#- F(t) given the window row aliased `w` (NULL when no window matched). -#}
{% macro _business_clock_value(w, ts) -%}
    {{ _business_clock_at(
        w ~ '.cumulative_seconds_before', w ~ '.window_start_at', w ~ '.window_seconds', ts
    ) }}
{%- endmacro %}

{#- F(t) given a window's cumulative_seconds_before, window_start_at and window_seconds. -#}
{% macro _business_clock_at(cumulative_seconds_before, window_start_at, window_seconds, ts) -%}
    ({{ cumulative_seconds_before }} + least(
        greatest({{ seconds_between(window_start_at, ts) }}, 0),
        {{ window_seconds }}
    ))
{%- endmacro %}

{% macro business_clock(
    relation, schedule_column, timestamp_column, output_column, windows_relation=none
) -%}
    {{ return(adapter.dispatch('business_clock', 'support_warehouse')(
        relation, schedule_column, timestamp_column, output_column,
        business_windows_relation(windows_relation)
    )) }}
{%- endmacro %}

{#- DuckDB clock: a hash join on (schedule, UTC day), no sort of the instants. For each schedule and
    UTC day from its first window's day to its last window's day, _duckdb_business_clock_days lists
    the windows that can hold an instant of that day, in order: the window opened before the day
    (if any) and those opening during it. F(t) uses the last of them opening at or before t, with
    the same expression as the portable join. An instant after the schedule's last opening uses
    the last window; one before its first day reads 0. At most 6 candidate windows per schedule
    and UTC day (the test business_clock_days_within_limit on the windows model blocks more; the
    clock would read NULL there, never a wrong number). -#}
{% macro _duckdb_business_clock_candidates() -%}
    {{ return(6) }}
{%- endmacro %}

{#- Shared by the DuckDB clock and deadline: `windows_by_key` lists each window (schedule_id,
    window_start_at, window_seconds, cumulative_seconds_before) once per value of `key_column` in
    which it is a candidate; one row per schedule and key value with the count of candidates and
    the first _duckdb_business_clock_candidates() of them, in order, pivoted to bh_start_<i>,
    bh_seconds_<i> and bh_cumulative_<i>. The schedule column is named `schedule_alias`. -#}
{% macro _duckdb_business_candidates(windows_by_key, key_column, schedule_alias) -%}
    select
        schedule_id as {{ schedule_alias }},
        {{ key_column }},
        count(*) as bh_candidates,
        {%- for i in range(1, _duckdb_business_clock_candidates() + 1) %}
        max(case when bh_candidate = {{ i }} then window_start_at end) as bh_start_{{ i }},
        max(case when bh_candidate = {{ i }} then window_seconds end) as bh_seconds_{{ i }},
        max(case when bh_candidate = {{ i }} then cumulative_seconds_before end)
            as bh_cumulative_{{ i }}{{ "," if not loop.last }}
        {%- endfor %}
    from (
        select
            bh_keyed.*,
            row_number() over (
                partition by bh_keyed.schedule_id, bh_keyed.{{ key_column }}
                order by bh_keyed.window_start_at
            ) as bh_candidate
        from ({{ windows_by_key }}) as bh_keyed
    ) as bh_numbered
    group by schedule_id, {{ key_column }}
{%- endmacro %}

{% macro _duckdb_business_clock_days(windows_relation) -%}
    {%- set windows_by_day -%}
        -- Each window is a candidate from the day it opens to the day the next one opens.
        select
            schedule_id,
            window_start_at,
            window_seconds,
            cumulative_seconds_before,
            cast(unnest(range(
                cast(cast(window_start_at as date) as timestamp),
                cast(cast(coalesce(next_window_start_at, window_start_at)
                    as date) as timestamp) + interval 1 day,
                interval 1 day
            )) as date) as bh_day
        from {{ windows_relation }}
    {%- endset -%}
    {{ _duckdb_business_candidates(windows_by_day, 'bh_day', 'bh_day_schedule_id') }}
{%- endmacro %}

{#- One row per schedule: its last window (the one with no next window). -#}
{% macro _duckdb_business_clock_last_windows(windows_relation) -%}
    select
        schedule_id as bh_schedule_id,
        window_start_at as bh_last_start_at,
        window_seconds as bh_last_seconds,
        cumulative_seconds_before as bh_last_cumulative
    from {{ windows_relation }}
    where next_window_start_at is null
{%- endmacro %}

{% macro duckdb__business_clock(
    relation, schedule_column, timestamp_column, output_column, windows_relation
) -%}
    {%- set ts = 'bh_input.' ~ timestamp_column -%}
    select
        bh_input.*,
        case
            when {{ ts }} is null then null
            when bh_last.bh_schedule_id is null then null
            when {{ ts }} >= bh_last.bh_last_start_at
                then {{ _business_clock_at(
                    'bh_last.bh_last_cumulative', 'bh_last.bh_last_start_at',
                    'bh_last.bh_last_seconds', ts
                ) }}
            when bh_day.bh_day is null then 0
            when bh_day.bh_candidates > {{ _duckdb_business_clock_candidates() }} then null
            {%- for i in range(_duckdb_business_clock_candidates(), 0, -1) %}
            when {{ ts }} >= bh_day.bh_start_{{ i }}
                then {{ _business_clock_at(
                    'bh_day.bh_cumulative_' ~ i, 'bh_day.bh_start_' ~ i,
                    'bh_day.bh_seconds_' ~ i, ts
                ) }}
            {%- endfor %}
            else 0
        end as {{ output_column }}
    from {{ relation }} as bh_input
    left join ({{ _duckdb_business_clock_last_windows(windows_relation) }}) as bh_last
        on bh_input.{{ schedule_column }} = bh_last.bh_schedule_id
    left join ({{ _duckdb_business_clock_days(windows_relation) }}) as bh_day
        on bh_input.{{ schedule_column }} = bh_day.bh_day_schedule_id
        and cast({{ ts }} as date) = bh_day.bh_day
{%- endmacro %}

{% macro default__business_clock(
    relation, schedule_column, timestamp_column, output_column, windows_relation
) -%}
    select
        bh_input.*,
        case
            when bh_input.{{ timestamp_column }} is null then null
            when bh_schedules.schedule_id is null then null
            else coalesce(
                {{ _business_clock_value('bh_window', 'bh_input.' ~ timestamp_column) }}, 0
            )
        end as {{ output_column }}
    from {{ relation }} as bh_input
    left join (
        select distinct schedule_id from {{ windows_relation }}
    ) as bh_schedules
        on bh_input.{{ schedule_column }} = bh_schedules.schedule_id
    left join {{ windows_relation }} as bh_window
        on bh_input.{{ schedule_column }} = bh_window.schedule_id
        and bh_input.{{ timestamp_column }} >= bh_window.window_start_at
        and (
            bh_input.{{ timestamp_column }} < bh_window.next_window_start_at
            or bh_window.next_window_start_at is null
        )
{%- endmacro %}

{% macro business_deadline(
    relation, schedule_column, start_timestamp_column, target_seconds_column, output_column,
    windows_relation=none, start_clock_column=none
) -%}
    {{ return(adapter.dispatch('business_deadline', 'support_warehouse')(
        relation, schedule_column, start_timestamp_column, target_seconds_column, output_column,
        business_windows_relation(windows_relation), start_clock_column
    )) }}
{%- endmacro %}

{#- The deadline expression shared by both implementations: `bh_end` is the window in which the
    target clock C = F(start) + target falls (cumulative_seconds_before < C, strict). -#}
{% macro _business_deadline_value(
    start_ts, target, target_clock, known_schedule, end_start='bh_end.window_start_at',
    end_seconds='bh_end.window_seconds', end_cumulative='bh_end.cumulative_seconds_before'
) -%}
    case
        when {{ start_ts }} is null or ({{ target }}) is null or ({{ target }}) < 0 then null
        when {{ known_schedule }} is null then null
        when ({{ target }}) = 0 then {{ start_ts }}
        when {{ end_cumulative }} is null then null
        when ({{ target_clock }}) - {{ end_cumulative }} > {{ end_seconds }} + 0.000001
            then null
        else {{ business_add_seconds(
            end_start,
            'least((' ~ target_clock ~ ') - ' ~ end_cumulative ~ ', ' ~ end_seconds ~ ')'
        ) }}
    end
{%- endmacro %}

{#- DuckDB deadline: the start clock with the clock above (or start_clock_column), then a hash
    join on (schedule, clock hour) to the windows that can hold the target clock C = F(start) +
    target, so no instant is sorted (an ASOF join sorted every target: slower, and the largest
    memory use of the SLA model). Clock hour k of a schedule lists, in order, the windows whose
    clock interval (cumulative_seconds_before, cumulative_seconds_before + window_seconds] meets
    [k * 3600, (k + 1) * 3600]; C lies in hour floor(C / 3600), in the last of them with
    cumulative_seconds_before < C (the windows tile the clock, so that one is always listed). At
    most 6 windows per clock hour (windows of 15 minutes or more always fit); the blocking test
    business_deadline_hours_within_limit on the windows model blocks more. -#}
{% macro _duckdb_business_deadline_hour_seconds() -%}
    {{ return(3600) }}
{%- endmacro %}

{% macro _duckdb_business_deadline_hours(windows_relation) -%}
    {%- set hour = _duckdb_business_deadline_hour_seconds() -%}
    {%- set windows_by_hour -%}
        select
            schedule_id,
            window_start_at,
            window_seconds,
            cumulative_seconds_before,
            unnest(range(
                cast(floor(cumulative_seconds_before / {{ hour }}) as bigint),
                cast(floor((cumulative_seconds_before + window_seconds) / {{ hour }})
                    as bigint) + 1
            )) as bh_clock_hour
        from {{ windows_relation }}
    {%- endset -%}
    {{ _duckdb_business_candidates(windows_by_hour, 'bh_clock_hour', 'bh_hour_schedule_id') }}
{%- endmacro %}

{#- One candidate field (start, seconds or cumulative) of the window holding the target clock:
    the last candidate opening on the clock strictly before it. -#}
{% macro _duckdb_business_deadline_pick(field) -%}
    case
        when bh_hour.bh_candidates > {{ _duckdb_business_clock_candidates() }} then null
        {%- for i in range(_duckdb_business_clock_candidates(), 0, -1) %}
        when bh_target.bh_target_clock > bh_hour.bh_cumulative_{{ i }}
            then bh_hour.bh_{{ field }}_{{ i }}
        {%- endfor %}
    end
{%- endmacro %}

{% macro duckdb__business_deadline(
    relation, schedule_column, start_timestamp_column, target_seconds_column, output_column,
    windows_relation, start_clock_column=none
) -%}
    select
        bh_picked.* exclude (
            bh_start_clock, bh_target_seconds, bh_target_clock, bh_known_schedule_id,
            bh_end_start, bh_end_seconds, bh_end_cumulative
        ),
        {{ _business_deadline_value(
            'bh_picked.' ~ start_timestamp_column,
            'bh_picked.bh_target_seconds',
            'bh_picked.bh_target_clock',
            'bh_picked.bh_known_schedule_id',
            end_start='bh_picked.bh_end_start',
            end_seconds='bh_picked.bh_end_seconds',
            end_cumulative='bh_picked.bh_end_cumulative'
        ) }} as {{ output_column }}
    from (
        select
            bh_target.*,
            {{ _duckdb_business_deadline_pick('start') }} as bh_end_start,
            {{ _duckdb_business_deadline_pick('seconds') }} as bh_end_seconds,
            {{ _duckdb_business_deadline_pick('cumulative') }} as bh_end_cumulative
        from (
            {%- set target_seconds = 'cast(' ~ _business_qualify(target_seconds_column, 'bh_clocked')
                ~ ' as double)' %}
            select
                bh_clocked.*,
                bh_schedules.schedule_id as bh_known_schedule_id,
                {{ target_seconds }} as bh_target_seconds,
                bh_clocked.bh_start_clock + {{ target_seconds }} as bh_target_clock
            from (
                {%- if start_clock_column is none %}
                {{ duckdb__business_clock(
                    relation, schedule_column, start_timestamp_column, 'bh_start_clock',
                    windows_relation
                ) }}
                {%- else %}
                select
                    bh_input.*,
                    bh_input.{{ start_clock_column }} as bh_start_clock
                from {{ relation }} as bh_input
                {%- endif %}
            ) as bh_clocked
            left join (
                select distinct schedule_id from {{ windows_relation }}
            ) as bh_schedules
                on bh_clocked.{{ schedule_column }} = bh_schedules.schedule_id
        ) as bh_target
        left join ({{ _duckdb_business_deadline_hours(windows_relation) }}) as bh_hour
            on bh_target.{{ schedule_column }} = bh_hour.bh_hour_schedule_id
            and cast(floor(
                bh_target.bh_target_clock / {{ _duckdb_business_deadline_hour_seconds() }}
            ) as bigint) = bh_hour.bh_clock_hour
    ) as bh_picked
{%- endmacro %}

{% macro default__business_deadline(
    relation, schedule_column, start_timestamp_column, target_seconds_column, output_column,
    windows_relation, start_clock_column=none
) -%}
    {%- set start_ts = 'bh_input.' ~ start_timestamp_column -%}
    {%- set target = _business_qualify(target_seconds_column) -%}
    {%- if start_clock_column is none -%}
        {%- set start_clock = _business_clock_value('bh_start', start_ts) -%}
    {%- else -%}
        {%- set start_clock = 'bh_input.' ~ start_clock_column -%}
    {%- endif -%}
    {%- set target_clock = 'coalesce(' ~ start_clock ~ ', 0) + (' ~ target ~ ')' -%}
    select
        bh_input.*,
        {{ _business_deadline_value(
            start_ts, target, target_clock, 'bh_schedules.schedule_id'
        ) }} as {{ output_column }}
    from {{ relation }} as bh_input
    left join (
        select distinct schedule_id from {{ windows_relation }}
    ) as bh_schedules
        on bh_input.{{ schedule_column }} = bh_schedules.schedule_id
    {%- if start_clock_column is none %}
    left join {{ windows_relation }} as bh_start
        on bh_input.{{ schedule_column }} = bh_start.schedule_id
        and {{ start_ts }} >= bh_start.window_start_at
        and ({{ start_ts }} < bh_start.next_window_start_at or bh_start.next_window_start_at is null)
    {%- endif %}
    left join {{ windows_relation }} as bh_end
        on bh_input.{{ schedule_column }} = bh_end.schedule_id
        and {{ target_clock }} > bh_end.cumulative_seconds_before
        and (
            {{ target_clock }} <= bh_end.cumulative_seconds_before + bh_end.window_seconds
            or bh_end.next_window_start_at is null
        )
{%- endmacro %}

{#- A bare column name is qualified with the input alias; an expression is used as written. -#}
{% macro _business_qualify(expr, alias='bh_input') -%}
    {%- if modules.re.match('^[A-Za-z_][A-Za-z0-9_]*$', expr | string) -%}
        {{- return(alias ~ '.' ~ expr) -}}
    {%- else -%}
        {{- return(expr | string) -}}
    {%- endif -%}
{%- endmacro %}

{#- A naive timestamp plus a (fractional) number of seconds, to the microsecond. -#}
{% macro business_add_seconds(ts, seconds) -%}
    {{ return(adapter.dispatch('business_add_seconds', 'support_warehouse')(ts, seconds)) }}
{%- endmacro %}
{% macro default__business_add_seconds(ts, seconds) -%}
    ({{ ts }} + ({{ seconds }}) * interval '1 second')
{%- endmacro %}
{% macro duckdb__business_add_seconds(ts, seconds) -%}
    ({{ ts }} + to_microseconds(cast(round(({{ seconds }}) * 1000000) as bigint)))
{%- endmacro %}
{% macro spark__business_add_seconds(ts, seconds) -%}
    timestamp_micros(unix_micros({{ ts }}) + cast(round(({{ seconds }}) * 1000000) as bigint))
{%- endmacro %}

{#- ------------------------------------------------------------------ calendar helpers -#}

{#- First and last LOCAL calendar day expanded into business windows, as date expressions. -#}
{% macro business_calendar_start_date() -%}
    cast('{{ var("business_calendar_start", "2000-01-01") }}' as date)
{%- endmacro %}
{% macro business_calendar_end_date() -%}
    {%- set calendar_end = var('business_calendar_end', none) -%}
    {%- if calendar_end -%}
        cast('{{ calendar_end }}' as date)
    {%- else -%}
        cast({{ dbt.dateadd('year', 3, as_of_timestamp()) }} as date)
    {%- endif -%}
{%- endmacro %}

{#- A SELECT of one row per calendar day from start_date to end_date (inclusive): calendar_date. -#}
{% macro business_calendar_days(start_date, end_date) -%}
    {{ return(adapter.dispatch('business_calendar_days', 'support_warehouse')(
        start_date, end_date
    )) }}
{%- endmacro %}
{% macro default__business_calendar_days(start_date, end_date) -%}
    select cast(date_day as date) as calendar_date
    from (
        {{ dbt.date_spine('day', start_date, dbt.dateadd('day', 1, end_date)) }}
    ) as spine
{%- endmacro %}
{% macro duckdb__business_calendar_days(start_date, end_date) -%}
    select cast(day_start as date) as calendar_date
    from generate_series(
        cast({{ start_date }} as timestamp),
        cast({{ end_date }} as timestamp),
        interval '1 day'
    ) as days (day_start)
{%- endmacro %}

{#- ISO day of week: 1 = Monday ... 7 = Sunday. -#}
{% macro iso_day_of_week(date_expr) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'support_warehouse')(date_expr)) }}
{%- endmacro %}
{% macro default__iso_day_of_week(date_expr) -%}
    cast(extract(isodow from {{ date_expr }}) as integer)
{%- endmacro %}
{% macro spark__iso_day_of_week(date_expr) -%}
    (((dayofweek({{ date_expr }}) + 5) % 7) + 1)
{%- endmacro %}

{#- Minutes after local midnight of an 'HH:MM' text (24:00 = 1440). -#}
{% macro business_time_to_minutes(hhmm) -%}
    (cast(substr({{ hhmm }}, 1, 2) as integer) * 60 + cast(substr({{ hhmm }}, 4, 2) as integer))
{%- endmacro %}

{#- A SELECT of the valid IANA time-zone names known to the engine: timezone_name. -#}
{% macro timezone_names_query() -%}
    {{ return(adapter.dispatch('timezone_names_query', 'support_warehouse')()) }}
{%- endmacro %}
{% macro default__timezone_names_query() -%}
    select name as timezone_name from pg_timezone_names
{%- endmacro %}
{% macro duckdb__timezone_names_query() -%}
    select name as timezone_name from pg_timezone_names()
{%- endmacro %}

{#- ------------------------------------------------------------------ generic data tests -#}
{#- Each returns the failing rows with the schedule_id and a failure_reason naming the problem,
    and also logs those reasons, so the run log says WHICH schedule is broken (dbt's own message
    only gives a count). Severity comes from the project (error) unless the YAML says otherwise. -#}

{% macro _business_log_failures(test_name, failing_sql, model) -%}
    {%- if execute and model is not none and load_relation(model) is not none -%}
        {%- set result = run_query(
            'select failure_reason from (' ~ failing_sql ~ ') as failures limit 20'
        ) -%}
        {%- for row in result.rows -%}
            {{ log(test_name ~ ' FAILED: ' ~ row[0], info=true) }}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- The column holds a time-zone name the engine knows (NULL fails too). -#}
{% test valid_timezone_name(model, column_name, id_column='schedule_id') %}
    {%- set failing_sql -%}
        select distinct
            checked.{{ id_column }} as schedule_id,
            checked.{{ column_name }} as timezone,
            'schedule '
            || coalesce(cast(checked.{{ id_column }} as {{ dbt.type_string() }}), '(null)')
            || ' has an unknown time zone: '
            || coalesce('''' || checked.{{ column_name }} || '''', 'NULL') as failure_reason
        from {{ model }} as checked
        where checked.{{ column_name }} is null
            or checked.{{ column_name }} not in (
                select tz_names.timezone_name
                from ({{ timezone_names_query() }}) as tz_names
            )
    {%- endset -%}
    {{ _business_log_failures('valid_timezone_name', failing_sql, model) }}
    {{ failing_sql }}
{% endtest %}

{#- Every schedule has at least one valid open interval (day 1-7, open < close). -#}
{% test schedule_has_open_hours(model, column_name='schedule_id') %}
    {%- set failing_sql -%}
        select
            checked.{{ column_name }} as schedule_id,
            'schedule '
            || coalesce(cast(checked.{{ column_name }} as {{ dbt.type_string() }}), '(null)')
            || ' has no open hours' as failure_reason
        from {{ model }} as checked
        group by checked.{{ column_name }}
        having count(
            case
                when checked.day_of_week between 1 and 7
                    and checked.open_time < checked.close_time
                    then 1
            end
        ) = 0
    {%- endset -%}
    {{ _business_log_failures('schedule_has_open_hours', failing_sql, model) }}
    {{ failing_sql }}
{% endtest %}

{#- Row-level rules of business_hours: day 1-7, HH:MM times (close may be 24:00), open < close,
    one time zone per schedule, no overlapping rows on the same day. -#}
{% test valid_business_hours(model) %}
    {%- set failing_sql -%}
        with checked as (
            select
                schedule_id,
                timezone,
                day_of_week,
                open_time,
                close_time,
                case
                    when day_of_week is null or day_of_week not between 1 and 7
                        then 'day_of_week must be 1 (Monday) to 7 (Sunday)'
                    when open_time is null or length(open_time) <> 5
                        or substr(open_time, 3, 1) <> ':'
                        or {{ try_cast('substr(open_time, 1, 2)', 'integer') }} not between 0 and 23
                        or {{ try_cast('substr(open_time, 4, 2)', 'integer') }} not between 0 and 59
                        then 'open_time must be HH:MM (00:00-23:59)'
                    when close_time is null or length(close_time) <> 5
                        or substr(close_time, 3, 1) <> ':'
                        or {{ try_cast('substr(close_time, 1, 2)', 'integer') }}
                        not between 0 and 24
                        or {{ try_cast('substr(close_time, 4, 2)', 'integer') }}
                        not between 0 and 59
                        or (substr(close_time, 1, 2) = '24' and close_time <> '24:00')
                        then 'close_time must be HH:MM (00:00-24:00)'
                    when open_time >= close_time then 'open_time must be before close_time'
                end as row_problem
            from {{ model }}
        ),

        row_failures as (
            select
                schedule_id,
                'schedule ' || coalesce(schedule_id, '(null)') || ' day '
                || coalesce(cast(day_of_week as {{ dbt.type_string() }}), '(null)') || ' '
                || coalesce(open_time, '(null)') || '-' || coalesce(close_time, '(null)') || ': '
                || row_problem as failure_reason
            from checked
            where row_problem is not null
        ),

        timezone_failures as (
            select
                schedule_id,
                'schedule ' || coalesce(schedule_id, '(null)')
                || ' has more than one time zone' as failure_reason
            from checked
            group by schedule_id
            having count(distinct timezone) > 1
        ),

        overlap_failures as (
            select
                earlier.schedule_id,
                'schedule ' || earlier.schedule_id || ' day '
                || cast(earlier.day_of_week as {{ dbt.type_string() }}) || ': '
                || earlier.open_time || '-' || earlier.close_time || ' overlaps '
                || later.open_time || '-' || later.close_time as failure_reason
            from checked as earlier
            inner join checked as later
                on earlier.schedule_id = later.schedule_id
                and earlier.day_of_week = later.day_of_week
                and (
                    (earlier.open_time < later.open_time and later.open_time < earlier.close_time)
                    or (earlier.open_time = later.open_time and earlier.close_time < later.close_time)
                )
            where earlier.row_problem is null and later.row_problem is null
        ),

        duplicate_failures as (
            select
                schedule_id,
                'schedule ' || schedule_id || ' day '
                || cast(day_of_week as {{ dbt.type_string() }}) || ': '
                || open_time || '-' || close_time || ' is listed more than once' as failure_reason
            from checked
            where row_problem is null
            group by schedule_id, day_of_week, open_time, close_time
            having count(*) > 1
        )

        select * from row_failures
        union all
        select * from timezone_failures
        union all
        select * from overlap_failures
        union all
        select * from duplicate_failures
    {%- endset -%}
    {{ _business_log_failures('valid_business_hours', failing_sql, model) }}
    {{ failing_sql }}
{% endtest %}

{#- The windows model fits the DuckDB business clock: no schedule has more than
    _duckdb_business_clock_candidates() windows that can hold an instant of one UTC day (the clock
    would read NULL there). Other adapters have no such limit: the test returns nothing there. -#}
{% test business_clock_days_within_limit(model) %}
    {%- set failing_sql = adapter.dispatch(
        'business_clock_days_over_limit', 'support_warehouse'
    )(model) -%}
    {{ _business_log_failures('business_clock_days_within_limit', failing_sql, model) }}
    {{ failing_sql }}
{% endtest %}

{% macro default__business_clock_days_over_limit(model) -%}
    select
        cast(null as {{ dbt.type_string() }}) as schedule_id,
        cast(null as {{ dbt.type_string() }}) as failure_reason
    from {{ model }}
    where 1 = 0
{%- endmacro %}

{% macro duckdb__business_clock_days_over_limit(model) -%}
    select
        bh_day_schedule_id as schedule_id,
        'schedule ' || bh_day_schedule_id || ' has ' || cast(bh_candidates as varchar)
        || ' business windows that can hold an instant of UTC day '
        || cast(bh_day as varchar) || ' (the DuckDB business clock handles up to '
        || '{{ _duckdb_business_clock_candidates() }})' as failure_reason
    from ({{ _duckdb_business_clock_days(model) }}) as bh_days
    where bh_candidates > {{ _duckdb_business_clock_candidates() }}
{%- endmacro %}

{#- The windows model fits the DuckDB business deadline: no schedule has more than
    _duckdb_business_clock_candidates() windows meeting one hour of its business clock (the
    deadline would read NULL there). Other adapters have no such limit. -#}
{% test business_deadline_hours_within_limit(model) %}
    {%- set failing_sql = adapter.dispatch(
        'business_deadline_hours_over_limit', 'support_warehouse'
    )(model) -%}
    {{ _business_log_failures('business_deadline_hours_within_limit', failing_sql, model) }}
    {{ failing_sql }}
{% endtest %}

{% macro default__business_deadline_hours_over_limit(model) -%}
    {{ default__business_clock_days_over_limit(model) }}
{%- endmacro %}

{% macro duckdb__business_deadline_hours_over_limit(model) -%}
    select
        bh_hour_schedule_id as schedule_id,
        'schedule ' || bh_hour_schedule_id || ' has ' || cast(bh_candidates as varchar)
        || ' business windows in hour ' || cast(bh_clock_hour as varchar)
        || ' of its business clock (the DuckDB business deadline handles up to '
        || '{{ _duckdb_business_clock_candidates() }}; windows of 15 minutes or more always fit)'
            as failure_reason
    from ({{ _duckdb_business_deadline_hours(model) }}) as bh_hours
    where bh_candidates > {{ _duckdb_business_clock_candidates() }}
{%- endmacro %}

{#- The column references a schedule defined in business_hours (NULL passes: the caller falls back
    to var('default_schedule_id')). Point it at teams.schedule_id in staging. -#}
{% test known_schedule_id(model, column_name, schedules=none) %}
    {%- set schedules_relation = schedules if schedules is not none else ref('business_hours') -%}
    {%- set failing_sql -%}
        select
            checked.{{ column_name }} as schedule_id,
            count(*) as referencing_rows,
            'unknown schedule_id ' || ''''
            || cast(checked.{{ column_name }} as {{ dbt.type_string() }}) || ''''
            || ' (not in business_hours), referenced by '
            || cast(count(*) as {{ dbt.type_string() }}) || ' row(s)' as failure_reason
        from {{ model }} as checked
        where checked.{{ column_name }} is not null
            and checked.{{ column_name }} not in (
                select known.schedule_id
                from {{ schedules_relation }} as known
                where known.schedule_id is not null
            )
        group by checked.{{ column_name }}
    {%- endset -%}
    {{ _business_log_failures('known_schedule_id', failing_sql, model) }}
    {{ failing_sql }}
{% endtest %}
