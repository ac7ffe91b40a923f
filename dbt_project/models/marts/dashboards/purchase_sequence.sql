-- By purchase number (1st, 2nd, ... 9th, then 10th and later together): how many customers reach it,
-- what those orders are worth and how long customers wait for it. Purchases only (refund transactions
-- excluded); an order's value is its net amount.
with

purchases as (

    select
        customer_id,
        least(purchase_number, 10) as purchase_number_sort,
        amount,
        days_since_previous_purchase

    from {{ ref('int_orders_netted') }}
    where not is_refund

),

history as (

    select * from {{ ref('int_order_history_span') }}

),

base as (

    select count(distinct customer_id) as customers from purchases

),

by_number as (

    select
        purchase_number_sort,
        count(*) as orders,
        count(distinct customer_id) as customers_reaching,
        sum(amount) as order_amount,
        {{ median('days_since_previous_purchase') }} as median_days_since_previous_order

    from purchases
    group by purchase_number_sort

),

final as (

    select
        cast(
            case
                when by_number.purchase_number_sort = 10 then '10+'
                else cast(by_number.purchase_number_sort as {{ dbt.type_string() }})
            end as {{ dbt.type_string() }}
        ) as purchase_number_label,
        cast(by_number.purchase_number_sort as {{ dbt.type_int() }}) as purchase_number_sort,
        history.history_start as period_start,
        history.history_end as period_end,
        cast('all' as {{ dbt.type_string() }}) as grain,
        cast(by_number.customers_reaching as {{ dbt.type_bigint() }}) as customers_reaching,
        {{ dashboards_share('by_number.customers_reaching', 'base.customers') }} as share_of_customers,
        {{ dashboards_share(
            'by_number.customers_reaching',
            'lag(by_number.customers_reaching) over (order by by_number.purchase_number_sort)'
        ) }} as share_of_previous_number,
        cast(by_number.orders as {{ dbt.type_bigint() }}) as orders,
        {{ dashboards_money('by_number.order_amount') }} as order_amount,
        {{ dashboards_money('by_number.order_amount / by_number.orders') }} as avg_order_value,
        cast(by_number.median_days_since_previous_order as {{ type_double() }}) as median_days_since_previous_order

    from by_number
    cross join base
    cross join history

)

select * from final
