with source as (
    select * from {{ source('landing', 'macros') }}
    {{ rows_from_new_files() }}
),

cleaned as (
    select
        -- ids
        {{ clean_text('macro_id') }} as macro_id,
        -- strings
        {{ clean_text('title') }} as title,
        {{ canonical_token('kind', 'macro_kind') }} as kind,
        -- booleans
        {{ text_to_boolean('is_active') }} as is_active,
        -- values as delivered (raw_<column>) and load metadata
        {{ landing_passthrough_columns('macros') }}
    from source
),

checked as (
    select
        *,
        {{ quarantine_reason([
            reason_missing('macro_id'),
            reason_unknown('kind'),
            reason_unparseable('is_active'),
        ]) }} as quarantine_reason
    from cleaned
),

flagged as (
    select
        *,
        {{ conflicting_duplicate_flag('macros', 'macro_id') }} as is_conflicting_duplicate
    from checked
)

select * from flagged
