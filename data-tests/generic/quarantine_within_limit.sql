{#- Fails (error) when the quarantined share of an entity's raw rows exceeds
    var('quarantine_max_pct') percent (default 1). Applied to a stg model; raw rows are
    reconstructed as sum(versions_count) of the staged rows + the quarantined rows, so the test
    also proves the staging reconciliation. The failing row says entity, counts and share. -#}
{% test quarantine_within_limit(model, quarantine_model, max_pct=none) %}
{%- set limit_pct = max_pct if max_pct is not none else var('quarantine_max_pct', 1) -%}

with staged as (
    select coalesce(sum(versions_count), 0) as good_rows
    from {{ model }}
),

quarantined as (
    select count(*) as quarantined_rows
    from {{ quarantine_model }}
),

shares as (
    select
        '{{ model.identifier | replace("stg_landing__", "") }}' as entity,
        quarantined.quarantined_rows,
        staged.good_rows + quarantined.quarantined_rows as total_rows,
        100.0 * cast(quarantined.quarantined_rows as double)
        / nullif(staged.good_rows + quarantined.quarantined_rows, 0) as quarantined_pct
    from staged
    cross join quarantined
)

select
    entity,
    quarantined_rows,
    total_rows,
    quarantined_pct,
    {{ limit_pct }} as max_pct,
    entity || ': ' || cast(quarantined_rows as {{ dbt.type_string() }}) || ' of '
    || cast(total_rows as {{ dbt.type_string() }}) || ' rows quarantined ('
    || cast(round(quarantined_pct, 2) as {{ dbt.type_string() }})
    || '%), more than {{ limit_pct }}%' as message
from shares
where quarantined_pct > {{ limit_pct }}
{% endtest %}
