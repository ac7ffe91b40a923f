{#- A customer's average basket size, an aggregate over their rows of int_customer_item_months up to a cutoff:
    units per purchase with order lines. customers (at as_of) and ml_customer_features (at each cutoff)
    both use it, so the two cannot drift. -#}
{% macro avg_basket_size(units, orders_with_items) -%}
    sum({{ units }}) * 1.0 / nullif(sum({{ orders_with_items }}), 0)
{%- endmacro %}
