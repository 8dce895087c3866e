{%- set cleaned_columns = [
    'response_id',
    'customer_id',
    'ticket_id',
    'conversation_id',
    'call_id',
    'agent_id',
    'survey_type',
    'topic',
    'comment',
    'score',
    'responded_at',
    'sent_at',
] -%}
with source as {{ inline_cte() }} (
    select * from {{ source('landing', 'survey_responses') }}
    {{ rows_from_new_files() }}
),

cleaned as (
    select
        -- ids
        {{ clean_text('response_id') }} as response_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_text('conversation_id') }} as conversation_id,
        {{ clean_text('call_id') }} as call_id,
        {{ clean_text('agent_id') }} as agent_id,
        -- strings
        {{ canonical_token('survey_type', 'survey_type') }} as survey_type,
        {{ normalize_token('topic') }} as topic,
        {{ clean_text('comment') }} as comment,  -- noqa: RF04
        -- numerics (checked below, then kept as an integer)
        {{ text_to_double('score') }} as score_number,
        -- timestamps
        {{ text_to_utc('responded_at') }} as responded_at,
        {{ text_to_utc('sent_at') }} as sent_at,
        -- values as delivered (raw_<column>) and load metadata
        {{ landing_passthrough_columns('survey_responses') }}
    from source
),

checked as (
    select
        *,
        {{ quarantine_reason([
            reason_missing('response_id'),
            reason_missing('survey_type'),
            reason_unknown('survey_type'),
            reason_missing('score'),
            "case when nullif(trim(raw_score), '') is not null and score_number is null
                then 'unparseable score ''' || trim(raw_score) || '''' end",
            "case when score_number <> floor(score_number)
                then 'score ' || trim(raw_score) || ' is not an integer' end",
            reason_missing('responded_at'),
            reason_unparseable('responded_at'),
            reason_unparseable('sent_at'),
        ]) }} as quarantine_reason,
        -- the score must lie in the scale of its survey type (csat 1-5, nps 0-10, ces 1-7)
        case
            {%- for survey_type, scale in survey_scales().items() %}
                when
                    survey_type = '{{ survey_type }}'
                    and score_number not between {{ scale[0] }} and {{ scale[1] }}
                    then
                        'score ' || trim(raw_score)
                        || ' out of range {{ scale[0] }}-{{ scale[1] }} for {{ survey_type }}'
            {%- endfor %}
        end as score_range_reason
    from cleaned
),

final as (
    select
        -- ids
        response_id,
        customer_id,
        ticket_id,
        conversation_id,
        call_id,
        agent_id,
        -- strings
        survey_type,
        topic,
        comment,
        -- numerics
        cast(score_number as integer) as score,
        -- timestamps
        responded_at,
        sent_at,
        -- values as delivered
        {%- for column in landing_columns('survey_responses') %}
            raw_{{ column }},
        {%- endfor %}
        -- metadata
        _source_file,
        _source_row,
        _loaded_at,
        _file_id,
        nullif(concat_ws('; ', quarantine_reason, score_range_reason), '') as quarantine_reason
    from checked
),

traced as (
    {{ base_rows('final', 'source', 'survey_responses', 'response_id', cleaned_columns) }}
)

select * from traced
