-- Purchases (refund transactions excluded) numbered per customer, with the gap to the previous one.
with

orders as (

    select * from {{ ref('fct_orders') }}
    where not is_refund

),

sequenced as (

    select
        order_id,
        customer_id,
        ordered_at,
        ordered_date,
        amount,
        channel,
        campaign_id,
        row_number() over (partition by customer_id order by ordered_at, order_id) as order_number,
        lag(ordered_at) over (partition by customer_id order by ordered_at, order_id) as previous_ordered_at

    from orders

),

final as (

    select
        *,
        {{ dbt.datediff('cast(previous_ordered_at as date)', 'ordered_date', 'day') }} as days_since_previous_order,  -- noqa: LT05
        order_number = 1 as is_first_order

    from sequenced

)

select * from final
