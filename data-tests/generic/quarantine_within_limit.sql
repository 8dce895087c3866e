{#- Fails (error) when more than var('quarantine_max_pct') percent (default 1) of the rows an
    entity received in its latest load run were quarantined. Judging the latest run, not all rows,
    means a bad delivery is never diluted by years of good history; and a run that brings no new
    file for the entity judges the previous batch again, so a failed gate does not silently reopen
    (raise the var for one run after inspecting the quarantine to let it through). Applied to a
    stg model; the failing row names the entity, the counts and the share. -#}
{% test quarantine_within_limit(model, quarantine_model, base_model, max_pct=none) %}
{%- set limit_pct = max_pct if max_pct is not none else var('quarantine_max_pct', 1) -%}
{%- set entity = model.identifier | replace("stg_landing__", "") -%}

with landed_files as (
    select
        file_id,
        load_run_id
    from {{ ref('stg_landing__landed_files') }}
    where entity = '{{ entity }}' and status = 'loaded'
),

latest_run as (
    select max(load_run_id) as load_run_id
    from landed_files
),

new_files as (
    select landed_files.file_id
    from landed_files
    inner join latest_run
        on landed_files.load_run_id = latest_run.load_run_id
),

new_rows as (
    select
        count(*) as total_rows,
        count(
            case
                when base.quarantine_reason is not null
                    or coalesce(base.is_conflicting_duplicate, false) then 1
            end
        ) as quarantined_rows
    from {{ base_model }} as base
    where base._file_id in (select new_files.file_id from new_files)
),

already_quarantined as (
    -- The quarantine model is a parent so that this gate runs after the quarantine is recorded.
    select count(*) as rows_in_quarantine
    from {{ quarantine_model }}
),

shares as (
    select
        '{{ entity }}' as entity,
        new_rows.quarantined_rows,
        new_rows.total_rows,
        already_quarantined.rows_in_quarantine,
        100.0 * cast(new_rows.quarantined_rows as {{ type_double() }})
        / nullif(new_rows.total_rows, 0) as quarantined_pct
    from new_rows
    cross join already_quarantined
)

select
    entity,
    quarantined_rows,
    total_rows,
    quarantined_pct,
    {{ limit_pct }} as max_pct,
    entity || ': ' || cast(quarantined_rows as {{ dbt.type_string() }}) || ' of '
    || cast(total_rows as {{ dbt.type_string() }}) || ' rows of the latest load run quarantined ('
    || cast({{ round_double('quarantined_pct', 2) }} as {{ dbt.type_string() }})
    || '%), more than {{ limit_pct }}%; see quarantine.quarantine_landing__{{ entity }}' as message
from shares
where quarantined_pct > {{ limit_pct }}
{% endtest %}
