-- One row per frequency group (every group of the seed, even when empty): size, value and share lost.
with

customers as (

    select * from {{ ref('customers') }}

),

items as (

    select
        customer_id,
        order_id,
        quantity

    from {{ ref('int_order_items_enriched') }}

),

groups as (

    select
        frequency_group,
        group_order
    from {{ ref('frequency_groups') }}

),

-- basket size per group = its items / its orders that have items (null without order items)
baskets as (

    select
        customers.frequency_group,
        sum(items.quantity) as items,
        count(distinct items.order_id) as orders_with_items

    from items
    inner join customers on items.customer_id = customers.customer_id
    group by customers.frequency_group

),

per_group as (

    select
        frequency_group,
        count(*) as customers,
        sum(revenue) as revenue,
        avg(revenue) as lifetime_value,
        avg(order_count) as avg_orders,
        avg(orders_per_year) as orders_per_year,
        avg(revenue_per_year) as revenue_per_year,
        -- a double on every engine (Spark averages 1.0 and 0.0 as decimals, to 5 places)
        avg(cast(case when lifecycle_state = 'lost' then 1 else 0 end as {{ type_double() }})) as share_lost

    from customers
    group by frequency_group

),

final as (

    select
        cast(groups.frequency_group as {{ dbt.type_string() }}) as frequency_group,
        cast(groups.group_order as {{ dbt.type_int() }}) as group_order,
        cast(coalesce(per_group.customers, 0) as {{ dbt.type_bigint() }}) as customers,
        cast(per_group.customers * 1.0 / sum(per_group.customers) over () as {{ type_double() }}) as share_of_customers,
        cast(coalesce(per_group.revenue, 0) as decimal(18, 2)) as revenue,
        cast(per_group.lifetime_value as decimal(18, 2)) as lifetime_value,
        cast(per_group.avg_orders as {{ type_double() }}) as avg_orders,
        cast(baskets.items * 1.0 / baskets.orders_with_items as {{ type_double() }}) as avg_basket_size,
        cast(per_group.orders_per_year as {{ type_double() }}) as orders_per_year,
        cast(per_group.revenue_per_year as decimal(18, 2)) as revenue_per_year,
        cast(per_group.share_lost as {{ type_double() }}) as share_lost

    from groups
    left join per_group on groups.frequency_group = per_group.frequency_group
    left join baskets on groups.frequency_group = baskets.frequency_group

)

select * from final
