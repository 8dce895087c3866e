with source as (
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

flagged as (
    select
        *,
        {{ conflicting_duplicate_flag('kb_article_views', 'view_id') }} as is_conflicting_duplicate
    from checked
)

select * from flagged
