{#-
    RFM definitions, shared by `int_customers_rfm_scored` (as of as_of) and
    `int_customer_month_end_snapshots` (at every month end), so both use one definition.
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

{#-
    The standard named RFM segments on the R score x FM score grid (the widely used 11-segment map;
    its published R/FM ranges overlap, so each cell is given to exactly one segment):

          FM=1         FM=2                FM=3             FM=4              FM=5
    R=5   New          Potential loyalist  Loyal            Champions         Champions
    R=4   Promising    Potential loyalist  Loyal            Champions         Champions
    R=3   Promising    Need attention      Need attention   Loyal             Loyal
    R=2   Hibernating  About to sleep      At risk          At risk           At risk
    R=1   Lost         Hibernating         At risk          Cannot lose them  Cannot lose them
-#}
{% macro rfm_segment(r_score, f_score, m_score) -%}
    {%- set fm = rfm_fm_score(f_score, m_score) -%}
    case
        when {{ r_score }} >= 4 and {{ fm }} >= 4 then 'Champions'
        when {{ r_score }} >= 4 and {{ fm }} = 3 then 'Loyal'
        when {{ r_score }} = 3 and {{ fm }} >= 4 then 'Loyal'
        when {{ r_score }} >= 4 and {{ fm }} = 2 then 'Potential loyalist'
        when {{ r_score }} = 5 and {{ fm }} = 1 then 'New'
        when {{ r_score }} >= 3 and {{ fm }} = 1 then 'Promising'
        when {{ r_score }} = 3 then 'Need attention'
        when {{ r_score }} = 2 and {{ fm }} = 2 then 'About to sleep'
        when {{ r_score }} = 1 and {{ fm }} >= 4 then 'Cannot lose them'
        when {{ fm }} >= 3 then 'At risk'
        when {{ r_score }} = 1 and {{ fm }} = 1 then 'Lost'
        else 'Hibernating'
    end
{%- endmacro %}
