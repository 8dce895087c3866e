{%- set cleaned_columns = [
    'view_id',
    'article_id',
    'customer_id',
    'session_id',
    'article_title',
    'was_helpful',
    'viewed_at',
] -%}
with source as {{ inline_cte() }} (
    select * from {{ source('landing', 'kb_article_views') }}
    {{ rows_from_new_files() }}
),

cleaned as (
    select
        -- ids
        {{ clean_text('view_id') }} as view_id,
        {{ clean_text('article_id') }} as article_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('session_id') }} as session_id,
        -- strings
        {{ clean_text('article_title') }} as article_title,
        -- booleans
        {{ text_to_boolean('was_helpful') }} as was_helpful,
        -- timestamps
        {{ text_to_utc('viewed_at') }} as viewed_at,
        -- values as delivered (raw_<column>) and load metadata
        {{ landing_passthrough_columns('kb_article_views') }}
    from source
),

checked as (
    select
        *,
        {{ quarantine_reason([
            reason_missing('view_id'),
            reason_missing('article_id'),
            reason_missing('viewed_at'),
            reason_unparseable('viewed_at'),
            reason_unparseable('was_helpful'),
        ]) }} as quarantine_reason
    from cleaned
),

traced as (
    {{ base_rows('checked', 'source', 'kb_article_views', 'view_id', cleaned_columns) }}
)

select * from traced
