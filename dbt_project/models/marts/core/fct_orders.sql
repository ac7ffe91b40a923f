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
        channel,
        campaign_id,
        source_file,
        source_row

    from classified

),

final as (

    select
        order_id,
        customer_id,
        ordered_at,
        ordered_date,
        cast(gross_amount - refunded_amount as decimal(18, 2)) as amount,
        cast(gross_amount as decimal(18, 2)) as gross_amount,
        cast(refunded_amount as decimal(18, 2)) as refunded_amount,
        is_refund,
        status,
        currency,
        channel,
        campaign_id,
        source_file,
        source_row

    from netted

)

select * from final
