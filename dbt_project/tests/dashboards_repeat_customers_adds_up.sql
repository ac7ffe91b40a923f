-- repeat_customers: at each grain, revenue summed over all rows equals sum(amount) over fct_orders, and
-- repeat + one-time add up to the totals. Returns each grain that does not.
{{ config(meta={'dagster': {'ref': {'name': 'repeat_customers'}}}) }}
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
        cast(null as bigint) as orders,
        case
            when
                sum(repeat_revenue + one_time_revenue) != sum(revenue)
                or sum(repeat_customers + one_time_customers) != sum(customers)
                then 1
            else 0
        end as has_unbalanced_sides

    from {{ ref('repeat_customers') }}
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
