-- Per segment and audience (int_segment_members): how many customers, what they bought and what they are
-- worth, in totals and per customer (the Clerk.io segment view). Histories up to as_of, reporting currency.
with

members as (

    select * from {{ ref('int_segment_members') }}

),

states as (

    select
        customer_id,
        order_count,
        revenue,
        orders_per_year,
        revenue_per_year,
        {{ dbt.datediff('first_order_date', 'last_order_date', 'day') }}
            as lifetime_days
    from {{ ref('int_customer_states') }}
    where is_as_of

),

items as (

    select
        customer_id,
        sum(quantity) as units,
        count(distinct order_id) as orders_with_items,
        sum(line_amount) as item_revenue

    from {{ ref('int_order_items_enriched') }}
    group by customer_id

),

base as (

    select count(*) as customers from states

),

per_member as (

    select
        members.segment_kind,
        members.segment_id,
        members.segment_label,
        states.order_count,
        states.revenue,
        states.orders_per_year,
        states.revenue_per_year,
        states.lifetime_days,
        case
            when states.order_count > 1 then states.lifetime_days / (states.order_count - 1.0)
        end as days_between_orders,
        coalesce(items.units, 0) as units,
        coalesce(items.orders_with_items, 0) as orders_with_items,
        coalesce(items.item_revenue, 0) as item_revenue

    from members
    inner join states on members.customer_id = states.customer_id
    left join items on members.customer_id = items.customer_id

),

aggregated as (

    select
        segment_kind,
        segment_id,
        max(segment_label) as segment_label,
        count(*) as customers,
        sum(revenue) as revenue,
        sum(order_count) as orders,
        sum(units) as products_bought,
        sum(item_revenue) as item_revenue,
        sum(orders_with_items) as orders_with_items,
        avg(revenue) as lifetime_value,
        avg(revenue_per_year) as revenue_per_year,
        avg(lifetime_days) as customer_lifetime_days,
        avg(days_between_orders) as days_between_orders,
        avg(orders_per_year) as orders_per_year

    from per_member
    group by segment_kind, segment_id

),

final as (

    select
        aggregated.segment_kind,
        aggregated.segment_id,
        aggregated.segment_label,
        cast(aggregated.customers as {{ dbt.type_bigint() }}) as customers,
        {{ dashboards_share('aggregated.customers', 'base.customers') }} as share_of_customers,
        {{ dashboards_money('aggregated.revenue') }} as revenue,
        cast(aggregated.orders as {{ dbt.type_bigint() }}) as orders,
        cast(aggregated.products_bought as {{ dbt.type_bigint() }}) as products_bought,
        {{ dashboards_money('aggregated.item_revenue / nullif(aggregated.products_bought, 0)') }}
            as avg_product_price,
        {{ dashboards_money('aggregated.lifetime_value') }} as lifetime_value,
        {{ dashboards_money('aggregated.revenue / nullif(aggregated.orders, 0)') }} as avg_order_value,
        {{ dashboards_share('aggregated.products_bought', 'aggregated.orders_with_items') }} as avg_basket_size,
        {{ dashboards_money('aggregated.revenue_per_year') }} as revenue_per_year,
        -- averages of doubles rounded to 6 decimals: the order the rows are summed in (storage order, which
        -- an incremental run changes) moves only the last bits, and must not change the published value
        round(cast(aggregated.customer_lifetime_days as {{ type_double() }}), 6) as customer_lifetime_days,
        round(cast(aggregated.days_between_orders as {{ type_double() }}), 6) as days_between_orders,
        round(cast(aggregated.orders_per_year as {{ type_double() }}), 6) as orders_per_year

    from aggregated
    cross join base

)

select * from final
