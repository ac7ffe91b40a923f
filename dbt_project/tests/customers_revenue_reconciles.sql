-- Revenue reconciles: the sum over customers equals the sum over fct_orders (refunds included).
{{ config(meta={'dagster': {'ref': {'name': 'customers'}}}) }}
with

customer_revenue as (

    select coalesce(sum(revenue), 0) as revenue from {{ ref('customers') }}

),

order_revenue as (

    select coalesce(sum(amount), 0) as revenue from {{ ref('fct_orders') }}

)

select
    customer_revenue.revenue as customers_revenue,
    order_revenue.revenue as fct_orders_revenue

from customer_revenue
cross join order_revenue
where customer_revenue.revenue <> order_revenue.revenue
