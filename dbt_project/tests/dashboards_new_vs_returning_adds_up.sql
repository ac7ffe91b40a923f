-- new_vs_returning: at each grain (day, month, year), revenue and orders summed over all rows equal the
-- fct_orders totals, and new + returning add up to the totals. Returns each grain that does not.
{{ config(meta={'dagster': {'ref': {'name': 'new_vs_returning'}}}) }}
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
                sum(new_customers + returning_customers) != sum(customers)
                or sum(new_orders + returning_orders) != sum(orders)
                or sum(new_revenue + returning_revenue) != sum(revenue)
                then 1
            else 0
        end as has_unbalanced_sides

    from {{ ref('new_vs_returning') }}
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
