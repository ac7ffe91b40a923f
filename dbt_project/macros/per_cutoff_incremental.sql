{#-
Per-cutoff incremental state (docs/operations.md#incremental-runs). Customer state at a cutoff is a function
of the activity on or before that cutoff and of the shop-wide values computed from it (RFM quintiles, the base
gap), so a cutoff is the unit that can be kept or rebuilt exactly. int_customer_states stores each cutoff's
fingerprint (int_cutoff_input_fingerprints plus the model's own SQL) on its rows; a run deletes the rows of
cutoffs whose fingerprint changed or that no longer exist, and appends those cutoffs rebuilt. A run killed
half-way leaves cutoffs missing, and the next run rebuilds exactly those.
-#}

{% macro per_cutoff_incremental() -%}
    {{ config(
        materialized=deleting_incremental_materialization(),
        incremental_strategy='append',
        on_schema_change='sync_all_columns',
        pre_hook="{{ delete_stale_cutoffs() }}",
    ) }}
{%- endmacro %}

{#- The cutoffs a build writes, with the fingerprint their rows carry: every cutoff when built from scratch;
    otherwise those without rows carrying their current fingerprint. -#}
{% macro cutoffs_to_rebuild() -%}
    select
        cutoffs.month_start,
        cutoffs.cutoff_date,
        cutoffs.is_as_of,
        {{ model_input_fingerprint('fingerprints.cutoff_fingerprint') }} as cutoff_fingerprint
    from {{ ref('int_cutoff_dates') }} as cutoffs
    left join {{ ref('int_cutoff_input_fingerprints') }} as fingerprints
        on cutoffs.month_start = fingerprints.month_start
    {%- if is_incremental() %}
    where {{ model_input_fingerprint('fingerprints.cutoff_fingerprint') }} not in (
        select distinct cutoff_fingerprint from {{ this }} where cutoff_fingerprint is not null
    )
    {%- endif %}
{%- endmacro %}

{#- pre_hook: drop the rows of cutoffs whose inputs changed or that no longer exist (the fingerprint begins
    with the cutoff's date, so it names its cutoff). -#}
{% macro delete_stale_cutoffs() -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where cutoff_fingerprint is null
        or cutoff_fingerprint not in (
            select {{ model_input_fingerprint('cutoff_fingerprint') }}
            from {{ ref('int_cutoff_input_fingerprints') }}
        )
    {%- else -%}
    select 1
    {%- endif -%}
{%- endmacro %}
