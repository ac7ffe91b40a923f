-- Per segment and audience (int_segment_members): its ten most bought products (units bought by its
-- members up to as_of), with orders and revenue. Empty without order_items.
with

members as (

    select * from {{ ref('int_segment_members') }}

),

-- each customer's purchases per product first, so members join one row per product they bought
customer_products as (

    select
        customer_id,
        product_id,
        max(product_name) as product_name,
        max(category) as category,
        sum(quantity) as units,
        count(distinct order_id) as orders,
        sum(line_amount) as revenue

    from {{ ref('int_order_items_enriched') }}
    group by customer_id, product_id

),

per_segment as (

    select
        members.segment_kind,
        members.segment_id,
        customer_products.product_id,
        max(customer_products.product_name) as product_name,
        max(customer_products.category) as category,
        sum(customer_products.units) as units,
        sum(customer_products.orders) as orders,
        count(*) as customers,
        sum(customer_products.revenue) as revenue

    from members
    inner join customer_products on members.customer_id = customer_products.customer_id
    group by members.segment_kind, members.segment_id, customer_products.product_id

),

ranked as (

    select
        *,
        row_number() over (
            partition by segment_kind, segment_id order by units desc, orders desc, product_id asc
        ) as rank_by_units

    from per_segment

),

final as (

    select
        segment_kind,
        segment_id,
        cast(rank_by_units as {{ dbt.type_bigint() }}) as rank_by_units,
        product_id,
        product_name,
        category,
        cast(units as {{ dbt.type_bigint() }}) as units,
        cast(orders as {{ dbt.type_bigint() }}) as orders,
        cast(customers as {{ dbt.type_bigint() }}) as customers,
        {{ dashboards_money('revenue') }} as revenue

    from ranked
    where rank_by_units <= 10

)

select * from final
