{#- Generic data tests (dbt_utils is not reachable here, so the few we need live in the project). -#}

{#- Rows where the boolean SQL expression is not true. -#}
{% test expression_is_true(model, expression, where=none) %}
    select *
    from {{ model }}
    where not coalesce({{ expression }}, false)
    {%- if where %} and ({{ where }}){% endif %}
{% endtest %}

{#- Rows whose column lies outside [min_value, max_value] (either bound optional; NULLs pass). -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}
    select *
    from {{ model }}
    where {{ column_name }} is not null
    and (
        false
        {%- if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
        {%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
    )
{% endtest %}

{#- A primary key: the column is never NULL and never repeats (dbt's `unique` and `not_null` in
    one query, one node and one Dagster check). A failing row is a key value (NULL included) with
    the number of rows that have it. -#}
{% test primary_key(model, column_name) %}
    select {{ column_name }}, count(*) as n_records
    from {{ model }}
    group by {{ column_name }}
    having {{ column_name }} is null or count(*) > 1
{% endtest %}

{#- Fails when the model has fewer rows than the compare model (e.g. a fact lost rows). -#}
{% test row_count_matches(model, compare_model, compare_where=none) %}
    with model_rows as (select count(*) as n from {{ model }}),
    compare_rows as (
        select count(*) as n from {{ compare_model }}
        {%- if compare_where %} where {{ compare_where }}{% endif %}
    )
    select model_rows.n as model_rows, compare_rows.n as compare_rows
    from model_rows cross join compare_rows
    where model_rows.n != compare_rows.n
{% endtest %}

{#- Combinations of the columns that occur more than once (NULLs compare equal, as in group by).
    Portable replacement for `unique` on a concatenated text expression. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {%- set columns = combination_of_columns | join(', ') %}
    select {{ columns }}, count(*) as n_records
    from {{ model }}
    group by {{ columns }}
    having count(*) > 1
{% endtest %}
