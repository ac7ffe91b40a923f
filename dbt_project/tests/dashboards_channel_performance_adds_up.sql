-- channel_performance: revenue and orders summed over all channels equal fct_orders totals. Returns the grain
-- when not.
{{ config(meta={'dagster': {'ref': {'name': 'channel_performance'}}}) }}
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
        0 as has_unbalanced_sides

    from {{ ref('channel_performance') }}
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
