-- Per customer and month with order lines: units bought and the purchases that have lines, from which
-- customers and ml_customer_features take avg_basket_size at their cutoffs. Kept out of the customer-state
-- chain (int_customer_activity_days, int_customer_states) so it does not wait for the order lines.
-- Incremental per customer (macros/per_customer_incremental.sql), as the lines it sums.
{{ per_customer_incremental('order_lines_fingerprint') }}

with

recomputed as (

    {{ customers_to_recompute('order_lines_fingerprint') }}

),

items as (

    select
        order_lines.customer_id,
        order_lines.ordered_date,
        order_lines.order_id,
        order_lines.quantity,
        recomputed.input_fingerprint
    from {{ ref('int_order_items_enriched') }} as order_lines
    inner join recomputed on order_lines.customer_id = recomputed.customer_id

),

-- an order's lines share its customer and month: counting its row among the order-level rows counts each
-- purchase once, cheaper than a distinct count over the lines
order_units as (

    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'ordered_date') }} as date) as month_start,
        order_id,
        input_fingerprint,
        sum(quantity) as units

    from items
    group by customer_id, cast({{ dbt.date_trunc('month', 'ordered_date') }} as date), order_id, input_fingerprint

),

final as (

    select
        customer_id,
        month_start,
        sum(units) as units,
        count(*) as orders_with_items,
        input_fingerprint

    from order_units
    group by customer_id, month_start, input_fingerprint

)

select * from final
