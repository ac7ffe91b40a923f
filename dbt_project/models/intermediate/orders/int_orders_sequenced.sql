-- Per-order facts, computed once for every model that needs them: each cleaned order row (refund
-- transactions included) with its purchase number, the gap to the previous purchase, and the customer's
-- first and second purchase dates. Refund transactions are not purchases: their purchase fields are null.
with

orders as (

    select * from {{ ref('int_orders_netted') }}

),

numbered as (

    select
        *,
        case
            when not is_refund
                then row_number() over (partition by customer_id, is_refund order by ordered_at, order_id)
        end as purchase_number,
        case
            when not is_refund
                then lag(ordered_date) over (partition by customer_id, is_refund order by ordered_at, order_id)
        end as previous_purchase_date

    from orders

),

final as (

    select
        order_id,
        customer_id,
        ordered_at,
        ordered_date,
        amount,
        is_refund,
        channel,
        campaign_id,
        purchase_number,
        purchase_number = 1 as is_first_purchase,
        purchase_number >= 2 as is_repeat_purchase,
        previous_purchase_date,
        {{ dbt.datediff('previous_purchase_date', 'ordered_date', 'day') }}
            as days_since_previous_purchase,
        min(case when purchase_number = 1 then ordered_date end) over (partition by customer_id)
            as first_purchase_date,
        min(case when purchase_number = 2 then ordered_date end) over (partition by customer_id)
            as second_purchase_date,
        max(purchase_number) over (partition by customer_id) as customer_purchases

    from numbered

)

select * from final
