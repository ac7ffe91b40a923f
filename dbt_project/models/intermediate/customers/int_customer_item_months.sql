-- Per customer and month with order lines: units bought and the purchases that have lines, from which
-- customers and ml_customer_features take avg_basket_size at their cutoffs. Kept out of the customer-state
-- chain (int_customer_activity_days, int_customer_states) so it does not wait for the order lines.
with

items as (

    select
        customer_id,
        ordered_date,
        order_id,
        quantity
    from {{ ref('int_order_items_enriched') }}

),

final as (

    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'ordered_date') }} as date) as month_start,
        sum(quantity) as units,
        count(distinct order_id) as orders_with_items

    from items
    group by customer_id, cast({{ dbt.date_trunc('month', 'ordered_date') }} as date)

)

select * from final
