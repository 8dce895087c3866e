{#- Ticket event definitions shared by more than one model. -#}

{#- A public comment by `role` (customer or agent): true or false, never NULL. `relation` optionally
    qualifies the event columns (event_type, is_public, actor_role). It is the one definition behind
    int_ticket_events_classified's is_public_customer_comment and public agent replies and behind
    the conversation of int_ticket_reply_turns_paired, which reads the staged events to skip the
    view's opening-comment lookup. -#}
{% macro public_comment_by(role, relation=none) -%}
    {%- set col = (relation ~ '.') if relation else '' -%}
    coalesce(
        {{ col }}event_type = 'comment'
        and {{ col }}is_public
        and {{ col }}actor_role = '{{ role }}',
        false
    )
{%- endmacro %}
