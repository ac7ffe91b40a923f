{#-
    Generic test: the column summed over the model (per value of `grain_column`, when given) equals
    `orders_expression` summed over fct_orders, e.g. a mart's revenue = sum(amount). Returns each grain
    whose total differs.
-#}
{% test total_matches_orders(model, column_name, orders_expression, grain_column=none) %}

with

orders_total as (

    select sum({{ orders_expression }}) as expected_total
    from {{ ref('fct_orders') }}

),

model_totals as (

    select
        {% if grain_column %}{{ grain_column }}{% else %}'all'{% endif %} as total_grain,
        sum({{ column_name }}) as model_total

    from {{ model }}
    {% if grain_column %}group by {{ grain_column }}{% endif %}

)

select
    model_totals.total_grain,
    model_totals.model_total,
    orders_total.expected_total

from model_totals
cross join orders_total
where coalesce(model_totals.model_total, 0) != coalesce(orders_total.expected_total, 0)

{% endtest %}
