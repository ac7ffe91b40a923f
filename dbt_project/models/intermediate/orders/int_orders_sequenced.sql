-- Per-order facts, computed once for every model that needs them: each cleaned order row (refund
-- transactions included) with its purchase number, the gap to the previous purchase, and the customer's
-- first and second purchase dates. Refund transactions are not purchases: their purchase fields are null.
with

orders as (

    select * from {{ ref('int_orders_netted') }}

),

-- one sort per customer: purchases first (is_refund false sorts before true), then by time, so numbering
-- and the previous purchase over all rows are those among purchases, and the customer-wide values share it
numbered as (

    select
        *,
        case when not is_refund then row_number() over customer_rows end as purchase_number,
        case when not is_refund then lag(ordered_date) over customer_rows end as previous_purchase_date,
        min(case when not is_refund then ordered_date end) over whole_customer as first_purchase_date,
        nth_value(case when not is_refund then ordered_date end, 2) over whole_customer as second_purchase_date,
        nullif(count(case when not is_refund then 1 end) over whole_customer, 0) as customer_purchases

    from orders
    window
        customer_rows as (partition by customer_id order by is_refund, ordered_at, order_id),
        whole_customer as (
            customer_rows rows between unbounded preceding and unbounded following
        )

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
        first_purchase_date,
        second_purchase_date,
        customer_purchases

    from numbered

)

select * from final
