{#- Helpers for the dashboard marts (models/marts/dashboards). Database-specific pieces dispatch. -#}

{#- First day of the day / month / year holding a date. -#}
{% macro dashboards_period_start(grain, date_expression) -%}
    cast({{ dbt.date_trunc(grain, date_expression) }} as date)
{%- endmacro %}

{#- Last day of the day / month / year holding a date. -#}
{% macro dashboards_period_end(grain, date_expression) -%}
    {%- if grain == 'day' -%}
        cast({{ date_expression }} as date)
    {%- else -%}
        cast({{ dbt.last_day(date_expression, grain) }} as date)
    {%- endif -%}
{%- endmacro %}

{#- numerator / denominator as a double; null when the denominator is zero or null. -#}
{% macro dashboards_share(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif(cast({{ denominator }} as double), 0)
{%- endmacro %}

{#- Money rounded to cents, as the published decimal type. -#}
{% macro dashboards_money(expression) -%}
    cast(round({{ expression }}, 2) as decimal(18, 2))
{%- endmacro %}

{#- Continuous median (interpolated), an aggregate. -#}
{% macro dashboards_median(expression) -%}
    {{ return(adapter.dispatch('dashboards_median', 'customer_pulse')(expression)) }}
{%- endmacro %}

{% macro default__dashboards_median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__dashboards_median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{#- Continuous percentile (interpolated), an aggregate; fraction between 0 and 1. -#}
{% macro dashboards_percentile(expression, fraction) -%}
    {{ return(adapter.dispatch('dashboards_percentile', 'customer_pulse')(expression, fraction)) }}
{%- endmacro %}

{% macro default__dashboards_percentile(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__dashboards_percentile(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}

{#- Generic test: the columns together identify a row (no duplicate combination, no null part). -#}
{% test dashboards_unique_key(model, columns) %}

with

keyed as (

    select
        {{ columns | join(', ') }},
        count(*) as rows_with_key

    from {{ model }}
    group by {{ columns | join(', ') }}

)

select *
from keyed
where rows_with_key > 1
    {%- for column in columns %}
    or {{ column }} is null
    {%- endfor %}

{% endtest %}
