-- Per order channel over the whole history up to as_of: customers who bought through it, their orders,
-- revenue and repeat rate (share of those customers with 2+ purchases in any channel).
with

orders as (

    select
        customer_id,
        channel,
        amount,
        is_refund,
        customer_purchases
    from {{ ref('int_orders_netted') }}

),

history as (

    select * from {{ ref('int_order_history_span') }}

),

by_channel as (

    select
        orders.channel,
        count(distinct case when not orders.is_refund then orders.customer_id end) as customers,
        count(distinct case
            when not orders.is_refund and orders.customer_purchases >= 2 then orders.customer_id
        end) as repeat_customers,
        sum(case when not orders.is_refund then 1 else 0 end) as orders,
        sum(orders.amount) as revenue,
        sum(case when not orders.is_refund then orders.amount else 0 end) as order_amount

    from orders
    group by orders.channel

),

totals as (

    select
        sum(orders) as all_orders,
        sum(revenue) as all_revenue

    from by_channel

),

final as (

    select
        cast(by_channel.channel as {{ dbt.type_string() }}) as channel,
        history.history_start as period_start,
        history.history_end as period_end,
        cast('all' as {{ dbt.type_string() }}) as grain,
        cast(by_channel.customers as {{ dbt.type_bigint() }}) as customers,
        cast(by_channel.orders as {{ dbt.type_bigint() }}) as orders,
        {{ dashboards_money('by_channel.revenue') }} as revenue,
        {{ dashboards_money('by_channel.order_amount / nullif(by_channel.orders, 0)') }} as avg_order_value,
        cast(by_channel.repeat_customers as {{ dbt.type_bigint() }}) as repeat_customers,
        {{ dashboards_share('by_channel.repeat_customers', 'by_channel.customers') }} as repeat_rate,
        {{ dashboards_share('by_channel.orders', 'totals.all_orders') }} as order_share,
        {{ dashboards_share('by_channel.revenue', 'totals.all_revenue') }} as revenue_share

    from by_channel
    cross join totals
    cross join history

)

select * from final
