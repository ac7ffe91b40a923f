{#- The from-join-group-by of a trailing-window feature: each feature row (customer, cutoff) joined to its
    customer's `events` dated in the `days` days up to the cutoff (cutoff - days < date <= cutoff), grouped
    per customer and cutoff, so the select list sums what happened in the window. -#}
{% macro trailing_window(events, event_date, days, rows='feature_rows') -%}
    from {{ rows }}
    inner join {{ events }}
        on {{ rows }}.customer_id = {{ events }}.customer_id
            and {{ rows }}.cutoff_date >= {{ events }}.{{ event_date }}
            and {{ dbt.dateadd('day', -days, rows ~ '.cutoff_date') }} < {{ events }}.{{ event_date }}
    group by {{ rows }}.customer_id, {{ rows }}.cutoff_date
{%- endmacro %}
