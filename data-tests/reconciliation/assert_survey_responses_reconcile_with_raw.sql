{{ config(meta={'dagster': {'ref': {'name': 'stg_landing__survey_responses'}}}) }}
-- Every raw survey_responses row is either staged (a winning or superseded version:
-- sum of versions_count) or quarantined; none is lost or duplicated.
-- Records the loader could not split into columns are in raw._landing_rejects,
-- never in raw, and are reported by the ingest step. Fails with one row.
with raw_rows as (
    select count(*) as row_count from {{ source('landing', 'survey_responses') }}
),

staged_rows as (
    select coalesce(sum(versions_count), 0) as row_count
    from {{ ref('stg_landing__survey_responses') }}
),

quarantined_rows as (
    select count(*) as row_count
    from {{ ref('quarantine_landing__survey_responses') }}
),

reconciled as (
    select
        'survey_responses' as entity,
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
