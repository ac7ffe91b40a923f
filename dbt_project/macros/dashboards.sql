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
    {{ divide(numerator, denominator) }}
{%- endmacro %}

{#- Money rounded to cents, as the published decimal type. -#}
{% macro dashboards_money(expression) -%}
    {{ round_money(expression) }}
{%- endmacro %}
