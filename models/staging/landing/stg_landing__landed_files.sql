{{ config(materialized='table') }}
with source as (
    select * from {{ source('landing', '_landing_files') }}
),

renamed as (
    select
        -- ids
        cast(file_id as bigint) as file_id,
        cast(load_run_id as bigint) as load_run_id,
        -- strings
        entity,
        source_file,
        content_hash,
        file_format,
        status,
        message,
        -- numerics
        cast(size_bytes as bigint) as size_bytes,
        cast(rows_loaded as bigint) as rows_loaded,
        cast(rows_rejected as bigint) as rows_rejected,
        -- timestamps
        cast(loaded_at as timestamp) as loaded_at
    from source
)

select * from renamed
