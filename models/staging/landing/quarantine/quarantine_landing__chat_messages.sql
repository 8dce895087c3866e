with base as (
    select * from {{ ref('base_landing__chat_messages') }}
    {{ rows_from_new_files() }}
),

quarantined as (
    {{ quarantined_rows('base', 'chat_messages') }}
)

select * from quarantined
