{#- Data tests on the incremental models check the rows the latest run wrote (dbt's
    `get_where_subquery`, which generic tests read their model through, overridden here).

    A model that carries `_refreshed_at` (macros/refresh_scope.sql) is rewritten only for the keys
    in scope, and a run whose blocking tests fail is never promoted (build-then-swap), so every
    row an earlier, promoted run wrote has passed these tests already. Testing the latest rows
    keeps that true by induction:
    - row tests (not_null, accepted_values, accepted_range, relationships from the child side,
      expression_is_true) read the rows with the newest `_refreshed_at`;
    - `unique` reads every row whose key occurs among them, so a new row that repeats an old
      key is still found, and `primary_key` those rows and the newest rows whose key is NULL;
      `unique_combination_of_columns` every row whose first column's value occurs among them (or
      is NULL), so a repeated combination is found as well (it shares that value with a newest
      row);
    - every other test (row counts, the project's quarantine and reconciliation tests) reads the
      whole model.
    A full refresh writes every row with one stamp, so it tests every row. `--vars
    '{test_all_rows: true}'` tests every row of every model (an audit of the whole warehouse).
    A warning-level test reports the latest rows' problems only (those of earlier runs were
    reported by their own run). One macro (dbt renders it where only dbt's own macros are
    known). -#}

{% macro default__get_where_subquery(relation) -%}
    {%- set row_tests = [
        'not_null', 'accepted_values', 'accepted_range', 'relationships', 'expression_is_true',
    ] -%}
    {%- set test = model.get('test_metadata') or {} -%}
    {%- set attached = graph.nodes.get(model.get('attached_node') or '', {}) if execute else {} -%}
    {%- set conditions = [] -%}
    {%- if config.get('where', '') -%}
        {%- do conditions.append('(' ~ config.get('where') ~ ')') -%}
    {%- endif -%}
    {%- if not var('test_all_rows', false) and '_refreshed_at' in attached.get('columns', {}) -%}
        {%- set newest -%}
            _refreshed_at = (select max(_refreshed_at) from {{ relation }})
        {%- endset -%}
        {%- if test.get('name') in row_tests -%}
            {%- do conditions.append(newest) -%}
        {%- elif test.get('name') in ['unique', 'primary_key', 'unique_combination_of_columns'] -%}
            {%- set kwargs = test.get('kwargs', {}) -%}
            {%- set column = kwargs.get('column_name') or kwargs.get('combination_of_columns')[0] -%}
            {%- set keys_of_newest -%}
                {{ column }} in (select {{ column }} from {{ relation }} where {{ newest }})
            {%- endset -%}
            {%- if test.get('name') == 'unique' -%}
                {%- do conditions.append(keys_of_newest) -%}
            {%- elif test.get('name') == 'primary_key' -%}
                {%- do conditions.append(
                    '(' ~ keys_of_newest ~ ' or (' ~ column ~ ' is null and ' ~ newest ~ '))'
                ) -%}
            {%- else -%}
                {%- do conditions.append('(' ~ keys_of_newest ~ ' or ' ~ column ~ ' is null)') -%}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {% do return(filtered) %}
    {%- else -%}
        {% do return(relation) %}
    {%- endif -%}
{%- endmacro %}
