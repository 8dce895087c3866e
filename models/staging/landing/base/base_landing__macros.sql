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

traced as (
    {{ base_rows('checked', 'source', 'macros', 'macro_id', cleaned_columns) }}
)

select * from traced
