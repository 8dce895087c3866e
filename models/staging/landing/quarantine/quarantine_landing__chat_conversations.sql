with base as (
    select * from {{ ref('base_landing__chat_conversations') }}
),

quarantined as (
    {{ quarantined_rows('base', 'chat_conversations') }}
)

select * from quarantined
