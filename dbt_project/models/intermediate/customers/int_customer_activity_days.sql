-- One row per customer and day with a cleaned order row: purchases, net amount (refunds included), and for
-- purchase days the gap to the previous purchase day. The daily grain int_customer_states accumulates.
-- Incremental per customer (macros/per_customer_incremental.sql): every value here is one customer's.
{{ per_customer_incremental('orders_fingerprint') }}

with

recomputed as (

    {{ customers_to_recompute('orders_fingerprint') }}

),

orders as (

    select
        netted.customer_id,
        netted.ordered_date,
        netted.ordered_at,
        netted.amount,
        netted.is_refund,
        recomputed.input_fingerprint
    from {{ ref('int_orders_netted') }} as netted
    inner join recomputed on netted.customer_id = recomputed.customer_id

),

order_days as (

    select
        customer_id,
        input_fingerprint,
        ordered_date as activity_date,
        sum(case when not is_refund then 1 else 0 end) as purchases,
        sum(amount) as amount,
        min(case when not is_refund then ordered_at end) as first_purchase_at,
        max(case when not is_refund then ordered_at end) as last_purchase_at

    from orders
    group by customer_id, input_fingerprint, ordered_date

),

sequenced as (

    select
        *,
        purchases > 0 as is_purchase_day,
        {{ dbt.date_trunc('month', 'activity_date') }} as activity_month,
        row_number() over (
            partition by customer_id, purchases > 0 order by activity_date
        ) as day_number,
        lag(activity_date) over (
            partition by customer_id, purchases > 0 order by activity_date
        ) as previous_day

    from order_days

),

final as (

    select
        customer_id,
        activity_date,
        cast(activity_month as date) as activity_month,
        purchases,
        amount,
        is_purchase_day,
        first_purchase_at,
        last_purchase_at,
        case when is_purchase_day then day_number end as purchase_day_number,
        case
            when is_purchase_day
                then {{ dbt.datediff('previous_day', 'activity_date', 'day') }}
        end as gap_days,
        input_fingerprint

    from sequenced

)

select * from final
