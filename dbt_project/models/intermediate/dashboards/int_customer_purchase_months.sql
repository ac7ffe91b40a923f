-- One row per customer and month with a purchase: the last purchase date in that month and the next
-- month the customer bought in (null when none yet). Between the two, that date is their last purchase.
with

purchases as (

    select
        customer_id,
        ordered_date,
        {{ dashboards_period_start('month', 'ordered_date') }} as purchase_month

    from {{ ref('int_orders_netted') }}
    where not is_refund

),

purchase_months as (

    select
        customer_id,
        purchase_month,
        max(ordered_date) as last_purchase_date

    from purchases
    group by customer_id, purchase_month

),

final as (

    select
        customer_id,
        purchase_month,
        last_purchase_date,
        lead(purchase_month) over (partition by customer_id order by purchase_month) as next_purchase_month

    from purchase_months

)

select * from final
