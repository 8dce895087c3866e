{%- set cleaned_columns = [
    'ticket_id',
    'customer_id',
    'assignee_id',
    'team_id',
    'channel',
    'priority',
    'status',
    'ticket_type',
    'category',
    'tags',
    'subject',
    'created_by_role',
    'created_at',
    'updated_at',
] -%}
with source as {{ inline_cte() }} (
    select * from {{ source('landing', 'tickets') }}
    {{ rows_from_new_files() }}
),

cleaned as (
    select
        -- ids
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('assignee_id') }} as assignee_id,
        {{ clean_text('team_id') }} as team_id,
        -- strings
        {{ canonical_token('channel', 'ticket_channel') }} as channel,
        {{ canonical_token('priority', 'priority') }} as priority,
        {{ canonical_token('status', 'status') }} as status,
        {{ normalize_token('type') }} as ticket_type,
        {{ normalize_token('category') }} as category,
        {{ text_to_token_list('tags') }} as tags,
        {{ clean_text('subject') }} as subject,
        {{ canonical_token('created_by_role', 'role') }} as created_by_role,
        -- timestamps
        {{ text_to_utc('created_at') }} as created_at,
        {{ text_to_utc('updated_at') }} as updated_at,
        -- values as delivered (raw_<column>) and load metadata
        {{ landing_passthrough_columns('tickets') }}
    from source
),

checked as (
    select
        *,
        {{ quarantine_reason([
            reason_missing('ticket_id'),
            reason_missing('created_at'),
            reason_unparseable('created_at'),
            reason_unparseable('updated_at'),
            reason_missing('customer_id'),
            reason_missing('channel'),
            reason_unknown('channel'),
            reason_unknown('priority'),
            reason_missing('status'),
            reason_unknown('status'),
            reason_unknown('created_by_role'),
        ]) }} as quarantine_reason
    from cleaned
),

traced as (
    {{ base_rows('checked', 'source', 'tickets', 'ticket_id', cleaned_columns) }}
)

select * from traced
