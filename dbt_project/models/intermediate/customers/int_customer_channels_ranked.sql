-- Per customer: main channel (most orders) and best channel (most net revenue), from fct_orders.
with

orders as (

    select * from {{ ref('int_orders_netted') }}

),

by_channel as (

    select
        customer_id,
        channel,
        sum(case when not is_refund then 1 else 0 end) as orders,
        sum(amount) as revenue

    from orders
    group by customer_id, channel

),

ranked as (

    select
        *,
        -- main: most orders; ties by revenue, then channel name
        row_number() over (
            partition by customer_id order by orders desc, revenue desc, channel asc
        ) as main_rank,
        -- best (converts them most): most net revenue; ties by orders, then channel name
        row_number() over (
            partition by customer_id order by revenue desc, orders desc, channel asc
        ) as best_rank

    from by_channel

),

final as (

    select
        customer_id,
        max(case when main_rank = 1 then channel end) as main_channel,
        max(case when best_rank = 1 then channel end) as best_channel

    from ranked
    group by customer_id

)

select * from final
