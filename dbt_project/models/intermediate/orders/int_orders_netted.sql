-- The cleaned orders every model reads: clean rows only, refunds netted, amounts converted to the reporting
-- currency (the original net amount and currency are kept beside them), and the per-order facts computed
-- once: purchase number, gap to the previous purchase, the customer's first and second purchase dates.
-- Refund transactions are not purchases: their purchase fields are null. Sequencing here rather than in a
-- model of its own spares a second stored copy of every order (21-23 CPU-s instead of 29-30 at 1 M customers).
-- Incremental per customer (macros/per_customer_incremental.sql): every value here is one customer's.
{{ per_customer_incremental('orders_fingerprint') }}

with

recomputed as (

    {{ customers_to_recompute('orders_fingerprint') }}

),

classified as (

    select
        classified_rows.*,
        recomputed.input_fingerprint

    from {{ ref('int_orders_classified') }} as classified_rows
    inner join recomputed on classified_rows.customer_id = recomputed.customer_id
    where classified_rows.outcome = 'clean'

),

netted as (

    select
        order_id,
        customer_id,
        ordered_at,
        cast(ordered_at as date) as ordered_date,
        case when amount >= 0 then amount else 0 end as gross_amount,
        case
            when amount < 0 then -amount
            when status = 'refunded' then amount
            else 0
        end as refunded_amount,
        amount < 0 as is_refund,
        status,
        currency,
        exchange_rate,
        channel,
        campaign_id,
        source_file,
        source_row,
        input_fingerprint

    from classified

),

-- gross and refunded are converted and rounded, and net is their difference, so net = gross - refunded
-- holds to the cent in the reporting currency too
converted as (

    select
        *,
        cast(round(gross_amount * exchange_rate, 2) as decimal(18, 2)) as reporting_gross_amount,
        cast(round(refunded_amount * exchange_rate, 2) as decimal(18, 2)) as reporting_refunded_amount

    from netted

),

cleaned as (

    select
        order_id,
        customer_id,
        ordered_at,
        ordered_date,
        cast(reporting_gross_amount - reporting_refunded_amount as decimal(18, 2)) as amount,
        reporting_gross_amount as gross_amount,
        reporting_refunded_amount as refunded_amount,
        cast(gross_amount - refunded_amount as decimal(18, 2)) as original_amount,
        currency,
        cast(exchange_rate as decimal(18, 8)) as exchange_rate,
        is_refund,
        status,
        channel,
        campaign_id,
        source_file,
        source_row,
        input_fingerprint

    from converted

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

    from cleaned
    window
        customer_rows as (partition by customer_id order by is_refund, ordered_at, order_id),
        -- spelled out, not `customer_rows rows between ...`: Spark cannot extend a named window
        whole_customer as (
            partition by customer_id order by is_refund, ordered_at, order_id
            rows between unbounded preceding and unbounded following
        )

),

final as (

    select
        *,
        purchase_number = 1 as is_first_purchase,
        purchase_number >= 2 as is_repeat_purchase,
        {{ dbt.datediff('previous_purchase_date', 'ordered_date', 'day') }}
            as days_since_previous_purchase

    from numbered

)

select * from final
