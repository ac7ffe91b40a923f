-- assisted_sales: revenue and orders summed over all months equal the fct_orders totals, assisted +
-- regular add up to them, and no month has more assisted orders than window + campaign orders.
{{ config(meta={'dagster': {'ref': {'name': 'assisted_sales'}}}) }}
with

fct_orders_totals as (

    select
        sum(amount) as revenue,
        sum(case when not is_refund then 1 else 0 end) as orders

    from {{ ref('fct_orders') }}

),

mart_totals as (

    select
        grain,
        sum(revenue) as revenue,
        sum(orders) as orders,
        case
            when
                sum(assisted_orders + regular_orders) != sum(orders)
                or sum(assisted_revenue + regular_revenue) != sum(revenue)
                or sum(case when assisted_orders > window_orders + campaign_orders then 1 else 0 end) > 0
                then 1
            else 0
        end as has_unbalanced_sides

    from {{ ref('assisted_sales') }}
    group by grain

)

select
    mart_totals.*,
    fct_orders_totals.revenue as fct_orders_revenue,
    fct_orders_totals.orders as fct_orders_orders

from mart_totals
cross join fct_orders_totals
where
    mart_totals.revenue != fct_orders_totals.revenue
    or mart_totals.orders != fct_orders_totals.orders
    or mart_totals.has_unbalanced_sides = 1
