{#- Fails (error, one row) unless every raw row of the entity is either staged - a winning or a
    superseded version, i.e. sum(versions_count) of the stg model - or quarantined: no row lost or
    counted twice. Records the loader could not split into columns never reach raw; they are in
    raw._landing_rejects and reported by the ingest step. Applied to each stg_landing__<entity>. -#}
{% test reconcile_with_raw(model, raw, quarantine_model) %}

with raw_rows as (
    select count(*) as row_count from {{ raw }}
),

staged_rows as (
    select coalesce(sum(versions_count), 0) as row_count
    from {{ model }}
),

quarantined_rows as (
    select count(*) as row_count
    from {{ quarantine_model }}
),

reconciled as (
    select
        raw_rows.row_count as raw_rows,
        staged_rows.row_count as staged_rows,
        quarantined_rows.row_count as quarantined_rows,
        raw_rows.row_count
        - staged_rows.row_count
        - quarantined_rows.row_count as unaccounted_rows
    from raw_rows
    cross join staged_rows
    cross join quarantined_rows
)

select * from reconciled
where unaccounted_rows != 0

{% endtest %}
