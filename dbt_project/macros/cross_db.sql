{#- Cross-database helpers. Each dispatches, so a Spark/Trino adapter can bring its own version. -#}

{#- ISO 8601 text -> UTC timestamp without zone; null when unparseable. No offset means UTC. -#}
{% macro parse_timestamp_utc(expression) -%}
    {{ return(adapter.dispatch('parse_timestamp_utc', 'customer_pulse')(expression)) }}
{%- endmacro %}

{% macro default__parse_timestamp_utc(expression) -%}
    to_utc_timestamp({{ try_cast(expression, api.Column.translate_type('timestamp')) }}, 'UTC')
{%- endmacro %}

{% macro duckdb__parse_timestamp_utc(expression) -%}
    timezone('UTC', try_cast({{ expression }} as timestamptz))
{%- endmacro %}

{#- Cast that yields null instead of failing (dbt-duckdb's safe_cast is a plain cast). -#}
{% macro try_cast(expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast', 'customer_pulse')(expression, data_type)) }}
{%- endmacro %}

{% macro default__try_cast(expression, data_type) -%}
    {{ dbt.safe_cast(expression, data_type) }}
{%- endmacro %}

{% macro duckdb__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{#- dbt-spark's safe_cast is a plain cast, which fails on bad input under ANSI mode (Spark 4's default). -#}
{% macro spark__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{#- Text -> money (2 decimals); null when not a number. -#}
{% macro parse_money(expression) -%}
    {{ try_cast(expression, 'decimal(18, 2)') }}
{%- endmacro %}

{#- Text -> boolean for opt-in flags: true/false, 1/0, yes/no, y/n; anything else is null. -#}
{% macro parse_flag(expression) -%}
    case
        when lower(trim({{ expression }})) in ('true', 't', '1', 'yes', 'y') then true
        when lower(trim({{ expression }})) in ('false', 'f', '0', 'no', 'n') then false
    end
{%- endmacro %}

{#- Empty or blank text -> null, so '' and '  ' never count as a value. -#}
{% macro blank_to_null(expression) -%}
    nullif(trim({{ expression }}), '')
{%- endmacro %}

{#- Continuous median (interpolated), an aggregate. -#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'customer_pulse')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{#- Continuous percentile (interpolated), an aggregate; fraction between 0 and 1. -#}
{% macro percentile(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile', 'customer_pulse')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__percentile(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}

{#- An 8-byte float type (dbt's type_float maps to a 4-byte float on some adapters). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'customer_pulse')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}

{% macro postgres__type_double() -%}
    double precision
{%- endmacro %}

{#- numerator / denominator as a double; null when the denominator is zero or null. Both sides are cast first, so
    every engine divides doubles (Spark divides decimals as decimals, rounded to 6 places). -#}
{% macro divide(numerator, denominator) -%}
    cast({{ numerator }} as {{ type_double() }}) / nullif(cast({{ denominator }} as {{ type_double() }}), 0)
{%- endmacro %}

{#- Money rounded to cents, as the published decimal type; half a cent rounds up on every engine. Through 6
    decimal places first: DuckDB's quotient of decimals is a double (73.695 held as 73.69499...), Spark's a
    decimal, and both round the same from there. -#}
{% macro round_money(expression) -%}
    cast(round(cast({{ expression }} as decimal(38, 6)), 2) as decimal(18, 2))
{%- endmacro %}

{#- A stable pseudo-random integer key of a value (for deterministic sampling and ordering). -#}
{% macro sample_key(expression) -%}
    {{ return(adapter.dispatch('sample_key', 'customer_pulse')(expression)) }}
{%- endmacro %}

{% macro default__sample_key(expression) -%}
    {{ dbt.hash(expression) }}
{%- endmacro %}

{% macro duckdb__sample_key(expression) -%}
    hash({{ expression }})
{%- endmacro %}

{% macro spark__sample_key(expression) -%}
    xxhash64({{ expression }})
{%- endmacro %}
