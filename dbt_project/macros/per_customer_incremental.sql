{#-
Per-customer incremental models (docs/operations.md#incremental-runs). A model whose every row is a function
of one customer's inputs keeps, on each row, the fingerprint of those inputs (`input_fingerprint`: a hash of
the customer's input rows, int_customer_input_fingerprints, and of the model's own SQL). A run recomputes only
the customers whose fingerprint differs from the one stored with their rows, or who have no rows yet, and
deletes the rows of customers with no inputs left. The comparison is with the model's own rows, so a run
killed half-way leaves customers whose rows are missing or stale, and the next run recomputes exactly those:
there is no separate bookkeeping to fall out of step. A change to the model's SQL changes every fingerprint.
-#}

{#- The materialization of an incremental model that deletes rows (per customer here, per cutoff in
    per_cutoff_incremental.sql): incremental on DuckDB; a plain table on engines whose tables cannot delete
    rows (Spark without Delta). -#}
{% macro deleting_incremental_materialization() -%}
    {{ return('incremental' if target.type == 'duckdb' else 'table') }}
{%- endmacro %}

{#- The configuration of a per-customer incremental model, called at its top; `fingerprint_column` names
    its inputs' fingerprint in int_customer_input_fingerprints. -#}
{% macro per_customer_incremental(fingerprint_column) -%}
    {{ config(
        materialized=deleting_incremental_materialization(),
        unique_key='customer_id',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
        pre_hook="{{ delete_customers_without_inputs('" ~ fingerprint_column ~ "') }}",
    ) }}
{%- endmacro %}

{#- The fingerprint a model stores: its inputs' fingerprint and its own SQL, as one text. -#}
{% macro model_input_fingerprint(inputs_fingerprint) -%}
    {{ dbt.concat([inputs_fingerprint, "'-" ~ local_md5(model.raw_code)[:12] ~ "'"]) }}
{%- endmacro %}

{#- A row's hash: a 64-bit integer of `columns` (a list of expressions). -#}
{% macro row_hash(columns) -%}
    {{ return(adapter.dispatch('row_hash', 'customer_pulse')(columns)) }}
{%- endmacro %}

{% macro default__row_hash(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}

{% macro duckdb__row_hash(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{#- An aggregate: the sum and count of a group's row hashes as one text, the same whatever the rows' order;
    null when every hash is null. -#}
{% macro hash_total(hash_expression) -%}
    {{ return(adapter.dispatch('hash_total', 'customer_pulse')(hash_expression)) }}
{%- endmacro %}

{% macro default__hash_total(hash_expression) -%}
    {{ dbt.concat([
        'cast(sum(cast(' ~ hash_expression ~ ' as decimal(38, 0))) as ' ~ dbt.type_string() ~ ')',
        "'x'",
        'cast(count(' ~ hash_expression ~ ') as ' ~ dbt.type_string() ~ ')',
    ]) }}
{%- endmacro %}

{% macro duckdb__hash_total(hash_expression) -%}
    -- hash() is a UBIGINT, its sum a HUGEINT: no overflow
    cast(sum({{ hash_expression }}) as varchar) || 'x' || cast(count({{ hash_expression }}) as varchar)
{%- endmacro %}

{#- The customers a run recomputes, with the fingerprint their new rows carry: those with a non-null
    `fingerprint_column` in int_customer_input_fingerprints and without rows carrying that fingerprint (plus
    this model's SQL hash) here; every one of them when the model is built from scratch. -#}
{% macro customers_to_recompute(fingerprint_column) -%}
    select
        fingerprints.customer_id,
        fingerprints.input_fingerprint
    from (
        select
            customer_id,
            {{ model_input_fingerprint(fingerprint_column) }} as input_fingerprint
        from {{ ref('int_customer_input_fingerprints') }}
        where {{ fingerprint_column }} is not null
    ) as fingerprints
    {%- if is_incremental() %}
    left join (select distinct customer_id, input_fingerprint from {{ this }}) as stored
        on fingerprints.customer_id = stored.customer_id
            and fingerprints.input_fingerprint = stored.input_fingerprint
    where stored.customer_id is null
    {%- endif %}
{%- endmacro %}

{#- pre_hook: drop the rows of customers who no longer have inputs (every order removed or quarantined). -#}
{% macro delete_customers_without_inputs(fingerprint_column) -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where customer_id not in (
        select customer_id from {{ ref('int_customer_input_fingerprints') }}
        where {{ fingerprint_column }} is not null
    )
    {%- else -%}
    select 1
    {%- endif -%}
{%- endmacro %}
