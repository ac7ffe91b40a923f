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
