{%- set cleaned_columns = [
    'macro_id',
    'title',
    'kind',
    'is_active',
] -%}
with source as {{ inline_cte() }} (
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

conflicting_keys as (
    {{ conflicting_duplicate_keys('source', 'macros', 'macro_id') }}
),

flagged as (
    select
        checked.*,
        conflicting_keys.macro_id is not null as is_conflicting_duplicate
    from checked
    left join conflicting_keys
        on
            checked.macro_id = conflicting_keys.macro_id
            and checked._file_id = conflicting_keys._file_id
),

traced as (
    {{ base_rows('flagged', 'macros', cleaned_columns) }}
)

select * from traced
