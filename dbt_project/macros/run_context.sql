{#- The run's moments, from dbt vars. as_of is resolved in int_run_context (default: data's latest). -#}

{% macro pulse_now() -%}
    {%- if var('now', none) -%}
        cast('{{ var("now") }}' as {{ api.Column.translate_type('timestamp') }})
    {%- else -%}
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ api.Column.translate_type('timestamp') }})
    {%- endif -%}
{%- endmacro %}

{% macro as_of_override() -%}
    {%- set as_of = var('as_of', none) -%}
    {%- if as_of -%}
        {#- a bare date means the end of that day: every order placed on it counts -#}
        {%- if (as_of | string | length) == 10 -%}{%- set as_of = (as_of | string) ~ ' 23:59:59.999999' -%}{%- endif -%}
        {{ parse_timestamp_utc("'" ~ as_of ~ "'") }}
    {%- else -%}
        cast(null as {{ api.Column.translate_type('timestamp') }})
    {%- endif -%}
{%- endmacro %}

{#- A SQL list literal from a dbt var holding a list of strings. -#}
{% macro sql_string_list(values) -%}
    ({%- for value in values -%}'{{ value }}'{%- if not loop.last -%}, {% endif -%}{%- endfor -%})
{%- endmacro %}

{#- The run's as_of from the latest valid ordered_at: the as_of var when set, else that latest order, else the
    wall clock. One definition for int_run_context and int_orders_classified (see there why both). -#}
{% macro resolve_as_of(latest_ordered_at) -%}
    coalesce({{ as_of_override() }}, {{ latest_ordered_at }}, {{ pulse_now() }})
{%- endmacro %}

{#- Which of the three resolve_as_of took: configured, latest_order or wall_clock. -#}
{% macro resolve_as_of_source(latest_ordered_at) -%}
    case
        when {{ as_of_override() }} is not null then 'configured'
        when {{ latest_ordered_at }} is not null then 'latest_order'
        else 'wall_clock'
    end
{%- endmacro %}

{#- The latest ordered_at among valid rows (rejection_reason null), an aggregate over order rows: the input of
    resolve_as_of in both models that resolve it. -#}
{% macro latest_valid_ordered_at() -%}
    max(case when rejection_reason is null then ordered_at end)
{%- endmacro %}
