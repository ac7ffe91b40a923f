{#-
    RFM definitions, used once: by int_customer_states, at every cutoff (month ends and as_of).
    The named segments are a grid in the seed rfm_segments (joined on r_score and rfm_fm_score).
-#}

{#- First day of the RFM window ending on `reference_date` (a date): the last var('rfm_window_days')
    calendar days, the reference day included. -#}
{% macro rfm_window_start(reference_date) -%}
    cast({{ dbt.dateadd('day', 1 - var('rfm_window_days'), reference_date) }} as date)
{%- endmacro %}

{#- True when `date_expr` (at or before `reference_date`) falls in the RFM window. A plain range
    predicate, so month-end snapshots can join orders to month ends with a range join. -#}
{% macro rfm_in_window(date_expr, reference_date) -%}
    ({{ date_expr }} >= {{ rfm_window_start(reference_date) }})
{%- endmacro %}

{#-
    Quintile score 1-5 (5 = best) of `value` among the rows of `partition_by` where `is_scored`:
        score = 1 + floor(5 * rows strictly worse / rows scored)
    so equal values always get equal scores, and a tie group gets the fifth in which it starts:
    the worst value always scores 1 (customers with one order in the window are F1), and without
    ties the rows split into five (near) equal fifths. A lone customer, or a population in which
    everyone ties, scores 1. Rank-based (rank() - 1 = rows strictly worse), exact in integers.
    Rows where not `is_scored` (no purchase in the window) score 1.
    `higher_is_better`: true for frequency and monetary, false for recency (fewer days is better).
-#}
{% macro rfm_score(value, is_scored, partition_by=none, higher_is_better=true) -%}
    {%- set partition = (partition_by ~ ', ' if partition_by else '') ~ is_scored -%}
    {%- set worst_first = value ~ (' asc' if higher_is_better else ' desc') -%}
    case
        when {{ is_scored }} then cast(1 + floor(
            5 * (rank() over (partition by {{ partition }} order by {{ worst_first }}) - 1)
            / (1.0 * count(*) over (partition by {{ partition }}))
        ) as integer)
        else 1
    end
{%- endmacro %}

{#- 'r' || 'f' || 'm', e.g. '545'. -#}
{% macro rfm_cell(r_score, f_score, m_score) -%}
    {{ dbt.concat([
        'cast(' ~ r_score ~ ' as ' ~ dbt.type_string() ~ ')',
        'cast(' ~ f_score ~ ' as ' ~ dbt.type_string() ~ ')',
        'cast(' ~ m_score ~ ' as ' ~ dbt.type_string() ~ ')',
    ]) }}
{%- endmacro %}

{#- Combined frequency-monetary score: the mean of F and M, halves rounded up (F4 M5 -> 5). -#}
{% macro rfm_fm_score(f_score, m_score) -%}
    cast(floor(({{ f_score }} + {{ m_score }} + 1) / 2.0) as integer)
{%- endmacro %}
