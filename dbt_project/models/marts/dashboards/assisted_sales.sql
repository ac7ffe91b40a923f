-- Per month: orders and revenue assisted by a communication (see int_orders_attributed) vs regular.
-- Rows fall in the month of their own ordered_at (refund transactions too: they lower revenue, on the
-- assisted side only when they carry the campaign_id of a message to that customer).
with

attributed as (

    select
        *,
        {{ dashboards_period_start('month', 'ordered_date') }} as period_start

    from {{ ref('int_orders_attributed') }}

),

monthly as (

    select
        period_start,
        sum(case when not is_refund then 1 else 0 end) as orders,
        sum(case when not is_refund and is_assisted then 1 else 0 end) as assisted_orders,
        sum(case when not is_refund and is_in_message_window then 1 else 0 end) as window_orders,
        sum(case when not is_refund and has_message_campaign then 1 else 0 end) as campaign_orders,
        sum(amount) as revenue,
        sum(case when is_assisted then amount else 0 end) as assisted_revenue

    from attributed
    group by period_start

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
