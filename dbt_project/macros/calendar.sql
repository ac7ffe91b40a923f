{#- Calendar helpers (a DuckDB version + a default for other adapters). -#}

{#- A set-returning select-list expression: one row per month start (date) from start to end. -#}
{% macro month_series(start_date, end_date) -%}
    {{ return(adapter.dispatch('month_series', 'customer_pulse')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__month_series(start_date, end_date) -%}
    explode(sequence(cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 month))
{%- endmacro %}

{% macro duckdb__month_series(start_date, end_date) -%}
    cast(unnest(generate_series(
        cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 month
    )) as date)
{%- endmacro %}
