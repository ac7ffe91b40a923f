-- customer_base_quality: the five bands of a month add up to its base, and the latest snapshot's base
-- is every customer with a purchase. Returns the offending months.
{{ config(meta={'dagster': {'ref': {'name': 'customer_base_quality'}}}) }}
with

bands as (

    select
        period_start,
        max(base_customers) as base_customers,
        sum(customers) as banded_customers

    from {{ ref('customer_base_quality') }}
    group by period_start

),

customers_with_purchases as (

    select count(distinct customer_id) as customers
    from {{ ref('int_orders_netted') }}
    where not is_refund

)

select bands.*
from bands
cross join customers_with_purchases
where
    bands.banded_customers != bands.base_customers
    or (
        bands.period_start = (select max(latest.period_start) from bands as latest)
        and bands.base_customers != customers_with_purchases.customers
    )
