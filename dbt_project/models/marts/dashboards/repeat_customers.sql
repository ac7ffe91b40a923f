-- Repeat customers (2+ purchases) and the revenue they bring, per month and overall.
-- Per month: customers who made a purchase that month; repeat = 2+ purchases on or before the month's
-- end. Revenue = sum(amount) of every cleaned order row in the month (refund transactions included, in
-- their own month), attributed to repeat customers when the row's customer is repeat at that month end.
with

orders as (

    select
        customer_id,
        ordered_date,
        amount,
        is_refund,
        {{ dashboards_period_start('month', 'second_purchase_date') }} as repeat_from_month
    from {{ ref('int_orders_netted') }}

),

history as (

    select * from {{ ref('int_order_history_span') }}

),

classified as (

    select
        orders.customer_id,
        orders.amount,
        orders.is_refund,
        {{ dashboards_period_start('month', 'orders.ordered_date') }} as period_start,
        coalesce(
            orders.repeat_from_month <= {{ dashboards_period_start('month', 'orders.ordered_date') }},
            false
        ) as is_repeat_at_month_end,
        orders.repeat_from_month is not null as is_repeat_at_as_of

    from orders

),

monthly as (

    select
        period_start,
        {{ dashboards_period_end('month', 'period_start') }} as period_end,
        'month' as grain,
        count(distinct case when not is_refund then customer_id end) as customers,
        count(distinct case when not is_refund and is_repeat_at_month_end then customer_id end)
            as repeat_customers,
        sum(amount) as revenue,
        sum(case when is_repeat_at_month_end then amount else 0 end) as repeat_revenue

    from classified
    group by period_start

),

overall as (

    select
        history.history_start as period_start,
        history.history_end as period_end,
        'all' as grain,
        count(distinct case when not classified.is_refund then classified.customer_id end) as customers,
        count(distinct case
            when not classified.is_refund and classified.is_repeat_at_as_of then classified.customer_id
        end) as repeat_customers,
        sum(classified.amount) as revenue,
        sum(case when classified.is_repeat_at_as_of then classified.amount else 0 end) as repeat_revenue

    from classified
    cross join history
    group by history.history_start, history.history_end

),

combined as (

    select * from monthly
    union all
    select * from overall

),

final as (

    select
        period_start,
        period_end,
        cast(grain as {{ dbt.type_string() }}) as grain,
        cast(customers as {{ dbt.type_bigint() }}) as customers,
        cast(repeat_customers as {{ dbt.type_bigint() }}) as repeat_customers,
        cast(customers - repeat_customers as {{ dbt.type_bigint() }}) as one_time_customers,
        {{ dashboards_share('repeat_customers', 'customers') }} as repeat_customer_share,
        {{ dashboards_money('revenue') }} as revenue,
        {{ dashboards_money('repeat_revenue') }} as repeat_revenue,
        {{ dashboards_money('revenue - repeat_revenue') }} as one_time_revenue,
        {{ dashboards_share('repeat_revenue', 'revenue') }} as repeat_revenue_share

    from combined

)

select * from final
