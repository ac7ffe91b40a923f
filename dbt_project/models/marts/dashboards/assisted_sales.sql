-- Per month: orders and revenue assisted by a communication (see int_orders_attributed) vs regular.
-- Rows fall in the month of their own ordered_at (refund transactions too: they lower revenue, on the
-- assisted side only when they carry the campaign_id of a message to that customer).
with

orders as (

    select
        {{ dashboards_period_start('month', 'ordered_date') }} as period_start,
        amount,
        is_refund

    from {{ ref('int_orders_netted') }}

),

assisted as (

    select
        {{ dashboards_period_start('month', 'ordered_date') }} as period_start,
        amount,
        is_refund,
        is_in_message_window,
        has_message_campaign

    from {{ ref('int_orders_attributed') }}

),

monthly_totals as (

    select
        period_start,
        sum(case when not is_refund then 1 else 0 end) as orders,
        sum(amount) as revenue

    from orders
    group by period_start

),

monthly_assisted as (

    select
        period_start,
        sum(case when not is_refund then 1 else 0 end) as assisted_orders,
        sum(case when not is_refund and is_in_message_window then 1 else 0 end) as window_orders,
        sum(case when not is_refund and has_message_campaign then 1 else 0 end) as campaign_orders,
        sum(amount) as assisted_revenue

    from assisted
    group by period_start

),

-- every assisted row is an order row, so every month with assisted rows has totals
monthly as (

    select
        monthly_totals.period_start,
        monthly_totals.orders,
        coalesce(monthly_assisted.assisted_orders, 0) as assisted_orders,
        coalesce(monthly_assisted.window_orders, 0) as window_orders,
        coalesce(monthly_assisted.campaign_orders, 0) as campaign_orders,
        monthly_totals.revenue,
        coalesce(monthly_assisted.assisted_revenue, 0) as assisted_revenue

    from monthly_totals
    left join monthly_assisted on monthly_totals.period_start = monthly_assisted.period_start

),

final as (

    select
        period_start,
        {{ dashboards_period_end('month', 'period_start') }} as period_end,
        cast('month' as {{ dbt.type_string() }}) as grain,
        cast(orders as {{ dbt.type_bigint() }}) as orders,
        cast(assisted_orders as {{ dbt.type_bigint() }}) as assisted_orders,
        cast(orders - assisted_orders as {{ dbt.type_bigint() }}) as regular_orders,
        cast(window_orders as {{ dbt.type_bigint() }}) as window_orders,
        cast(campaign_orders as {{ dbt.type_bigint() }}) as campaign_orders,
        {{ dashboards_money('revenue') }} as revenue,
        {{ dashboards_money('assisted_revenue') }} as assisted_revenue,
        {{ dashboards_money('revenue - assisted_revenue') }} as regular_revenue,
        {{ dashboards_share('assisted_orders', 'orders') }} as assisted_order_share,
        {{ dashboards_share('assisted_revenue', 'revenue') }} as assisted_revenue_share

    from monthly

)

select * from final
