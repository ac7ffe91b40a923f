{#-
    RFM definitions, used once: by int_customer_states, at every cutoff (month ends and as_of).
    The named segments are a grid in the seed rfm_segments (joined on r_score and rfm_fm_score).
-#}

{#-
    Quintile scores 1-5 (5 = best) of `measure` among the rows of `relation` where `is_scored`, per
    `partition_by` (the cutoff), one row per distinct value (scored_value, score):
        score = 1 + floor(5 * rows strictly worse / rows scored)
    so equal values always get equal scores, and a tie group gets the fifth in which it starts: the worst
    value always scores 1 (customers with one order in the window are F1), and without ties the rows split
    into five (near) equal fifths. A lone customer, or a population in which everyone ties, scores 1.
    Rows not scored (no purchase in the window) get no score here and score 1.
    Counted per distinct value rather than ranked per row: a cutoff has few distinct recencies and
    frequencies, so this sorts far fewer rows than rank() over every customer.
    `higher_is_better`: true for frequency and monetary, false for recency (fewer days is better).
-#}
{% macro rfm_value_scores(measure, relation, partition_by, is_scored, higher_is_better=true) -%}
    select
        {{ partition_by }},
        {{ measure }} as scored_value,
        cast(1 + floor(5 * worse_rows / (1.0 * scored_rows)) as {{ dbt.type_int() }}) as score

    from (
        select
            {{ partition_by }},
            {{ measure }},
            sum(rows_with_value) over (
                partition by {{ partition_by }}
                order by {{ measure }} {{ 'asc' if higher_is_better else 'desc' }}
                rows between unbounded preceding and current row
            ) - rows_with_value as worse_rows,
            sum(rows_with_value) over (partition by {{ partition_by }}) as scored_rows

        from (
            select
                {{ partition_by }},
                {{ measure }},
                count(*) as rows_with_value

            from {{ relation }}
            where {{ is_scored }}
            group by {{ partition_by }}, {{ measure }}
        ) as counted
    ) as cumulated
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

{#- Recency: whole days from the last order to the cutoff. int_customer_states computes it for the published
    value and again for the R score's ranking: one definition, so the score ranks the recency it publishes. -#}
{% macro rfm_recency_days(last_order_date, cutoff_date) -%}
    {{ dbt.datediff(last_order_date, cutoff_date, 'day') }}
{%- endmacro %}
