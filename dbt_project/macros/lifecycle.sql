{#-
    Lifecycle definitions, shared by `int_customers_summarised` (as of as_of) and
    `int_customer_month_end_snapshots` (at every month end).
-#}

{#-
    A customer's usual gap in days: the mean gap between their distinct purchase days
    ((last - first purchase day) / (purchase days - 1)); several orders on one day count as one visit.
    With a single purchase day, `default_gap_days`: the base's median gap between a customer's first
    and second purchase day (see `lifecycle_default_gap_days`). Null without any purchase.
-#}
{% macro usual_gap_days(first_order_date, last_order_date, order_days, default_gap_days) -%}
    case
        when {{ order_days }} >= 2
            then cast({{ dbt.datediff(first_order_date, last_order_date, 'day') }} as double)
                / ({{ order_days }} - 1)
        when {{ order_days }} = 1 then cast({{ default_gap_days }} as double)
    end
{%- endmacro %}

{#- The default gap from the base's first gaps; var rfm_window_days when nobody has a second purchase day. -#}
{% macro lifecycle_default_gap_days(first_gap_days) -%}
    coalesce(cast({{ median(first_gap_days) }} as double), cast({{ var('rfm_window_days') }} as double))
{%- endmacro %}

{#-
    new      first purchase less than var('new_customer_days') days before the reference day
    lost     days since the last purchase > var('lost_gap_multiplier') x usual gap
    slipping days since the last purchase > var('slipping_gap_multiplier') x usual gap
    active   otherwise (exactly 1.5x is still active, exactly 2x is slipping: strictly greater)
    A customer with no purchase at all (only refund rows) is lost.
-#}
{% macro lifecycle_state(days_since_first_order, days_since_last_order, usual_gap_days) -%}
    case
        when {{ days_since_last_order }} is null then 'lost'
        when {{ days_since_first_order }} < {{ var('new_customer_days') }} then 'new'
        when {{ days_since_last_order }} > {{ var('lost_gap_multiplier') }} * {{ usual_gap_days }} then 'lost'
        when {{ days_since_last_order }} > {{ var('slipping_gap_multiplier') }} * {{ usual_gap_days }}
            then 'slipping'
        else 'active'
    end
{%- endmacro %}
