-- The cleaned orders every model reads: clean rows only, refunds netted, amounts converted to the reporting
-- currency (the original net amount and currency are kept beside them).
with

classified as (

    select * from {{ ref('int_orders_classified') }}
    where outcome = 'clean'

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
        source_row

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

final as (

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
        source_row

    from converted

)

select * from final
