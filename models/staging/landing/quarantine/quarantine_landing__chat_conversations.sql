with base as (
    select * from {{ ref('base_landing__chat_conversations') }}
    {{ rows_from_new_files() }}
),

quarantined as (
    {{ quarantined_rows('base', 'chat_conversations') }}
)

select * from quarantined
