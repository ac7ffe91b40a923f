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
    cast({{ numerator }} as {{ type_double() }}) / nullif(cast({{ denominator }} as {{ type_double() }}), 0)
{%- endmacro %}

{#- Money rounded to cents, as the published decimal type. -#}
{% macro dashboards_money(expression) -%}
    cast(round({{ expression }}, 2) as decimal(18, 2))
{%- endmacro %}
