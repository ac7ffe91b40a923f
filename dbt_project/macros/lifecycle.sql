{#-
    Lifecycle definitions, used once: by int_customer_states, at every cutoff (month ends and as_of).
    A customer is judged against their own rhythm (Clerk.io's definition), made robust for customers the
    shop barely knows yet: few gaps are blended with the base's gap, and minimum day counts keep a
    frequent buyer from being called slipping or lost after a short pause.
-#}

{#-
    The gap (days) a customer's recency is compared with. `gaps` = distinct purchase days - 1.
    - gaps >= var('min_gaps_for_own_rhythm') (3): their own mean gap between distinct purchase days;
    - fewer gaps: a blend, own weight gaps / min_gaps_for_own_rhythm, the rest the base gap, so a one-time
      buyer (0 gaps) gets the base gap and the blend moves smoothly to their own rhythm;
    - no purchase at all: null.
    `base_gap_days`: the gap within which var('base_gap_share') of the base's second purchases happen
    (int_cutoff_base_gaps).
-#}
{% macro usual_gap_days(own_gap_days, gaps, base_gap_days) -%}
    {%- set k = var('min_gaps_for_own_rhythm') -%}
    case
        when {{ gaps }} is null then null
        when {{ gaps }} >= {{ k }} then cast({{ own_gap_days }} as {{ type_double() }})
        else (
            {{ gaps }} * coalesce(cast({{ own_gap_days }} as {{ type_double() }}), 0)
            + ({{ k }} - {{ gaps }}) * cast({{ base_gap_days }} as {{ type_double() }})
        ) / {{ k }}
    end
{%- endmacro %}

{#-
    new      first purchase less than var('new_customer_days') days before the cutoff
    lost     days since the last purchase > var('lost_gap_multiplier') x usual gap, and > var('min_lost_days')
    slipping days since the last purchase > var('slipping_gap_multiplier') x usual gap,
             and > var('min_slipping_days')
    active   otherwise (strictly greater: exactly 1.5x the gap is still active, exactly 2x is slipping)
    A customer with no purchase at all (only refund rows) is lost.
    Values: the seed lifecycle_states.
-#}
{% macro lifecycle_state(days_since_first_order, days_since_last_order, usual_gap_days) -%}
    case
        when {{ days_since_last_order }} is null then 'lost'
        when {{ days_since_first_order }} < {{ var('new_customer_days') }} then 'new'
        when {{ days_since_last_order }} > greatest(
            {{ var('lost_gap_multiplier') }} * {{ usual_gap_days }}, {{ var('min_lost_days') }}
        ) then 'lost'
        when {{ days_since_last_order }} > greatest(
            {{ var('slipping_gap_multiplier') }} * {{ usual_gap_days }}, {{ var('min_slipping_days') }}
        ) then 'slipping'
        else 'active'
    end
{%- endmacro %}
