{#- Statistics and calendar helpers for the customer models (DuckDB versions + a default for others). -#}

{#- Median of a numeric expression, as an aggregate. -#}
{% macro customers_median(expression) -%}
    {{ return(adapter.dispatch('customers_median', 'customer_pulse')(expression)) }}
{%- endmacro %}

{% macro default__customers_median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__customers_median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{#- A set-returning select-list expression: one row per month start (date) from start to end. -#}
{% macro customers_month_series(start_date, end_date) -%}
    {{ return(adapter.dispatch('customers_month_series', 'customer_pulse')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__customers_month_series(start_date, end_date) -%}
    explode(sequence(cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 month))
{%- endmacro %}

{% macro duckdb__customers_month_series(start_date, end_date) -%}
    cast(unnest(generate_series(
        cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 month
    )) as date)
{%- endmacro %}
