-- popular_products: for each product, the 'all' x 'all' row holds exactly its units, orders and line
-- revenue in fct_order_items, and the four bands of a category add up to its 'all' band.
-- Returns the offending products.
{{ config(meta={'dagster': {'ref': {'name': 'popular_products'}}}) }}
with

items as (

    select
        product_id,
        sum(quantity) as units,
        count(distinct order_id) as orders,
        sum(line_amount) as revenue

    from {{ ref('fct_order_items') }}
    group by product_id

),

overall as (

    select
        product_id,
        units,
        orders,
        revenue
    from {{ ref('popular_products') }}
    where category = 'all' and basket_value_band = 'all'

),

banded as (

    select
        category,
        product_id,
        sum(case when basket_value_band = 'all' then units else 0 end) as all_band_units,
        sum(case when basket_value_band != 'all' then units else 0 end) as summed_band_units,
        sum(case when basket_value_band = 'all' then orders else 0 end) as all_band_orders,
        sum(case when basket_value_band != 'all' then orders else 0 end) as summed_band_orders

    from {{ ref('popular_products') }}
    group by category, product_id

)

select items.product_id
from items
full outer join overall on items.product_id = overall.product_id
where
    items.product_id is null
    or overall.product_id is null
    or items.units != overall.units
    or items.orders != overall.orders
    or items.revenue != overall.revenue

union all

select product_id
from banded
where all_band_units != summed_band_units or all_band_orders != summed_band_orders
