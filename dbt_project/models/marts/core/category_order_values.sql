-- Per product category: the orders with it, their order-line revenue in it, and that revenue per order
-- (average_order_value), which segment_roi multiplies expected buyers by. Empty without order_items.
with

items as (

    select
        order_id,
        category,
        line_amount

    from {{ ref('int_order_items_enriched') }}

),

per_category as (

    select
        category,
        count(distinct order_id) as orders,
        sum(line_amount) as revenue

    from items
    group by category

),

final as (

    select
        category,
        cast(orders as {{ dbt.type_bigint() }}) as orders,
        cast(revenue as decimal(18, 2)) as revenue,
        cast(revenue as {{ type_double() }}) / orders as average_order_value

    from per_category

)

select * from final
