{#- A shop's label (category, channel) as an identifier: lower case, each run of other characters one '_',
    'unknown' when nothing is left. The same rule as models_ml.design.slug (feature names), so the published
    label_slugs table names the ML features and the audience `category:` values. -#}
{% macro label_slug(expression) -%}
    {{ return(adapter.dispatch('label_slug', 'customer_pulse')(expression)) }}
{%- endmacro %}

{% macro default__label_slug(expression) -%}
    coalesce(nullif(trim(both '_' from regexp_replace(lower(trim({{ expression }})), '[^0-9a-z]+', '_')), ''), 'unknown')
{%- endmacro %}

{% macro duckdb__label_slug(expression) -%}
    coalesce(nullif(trim(both '_' from regexp_replace(lower(trim({{ expression }})), '[^0-9a-z]+', '_', 'g')), ''), 'unknown')
{%- endmacro %}
