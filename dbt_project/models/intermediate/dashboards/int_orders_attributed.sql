-- The cleaned order rows (refund transactions included) a communication assisted: a purchase placed in
-- [sent_at, sent_at + attribution_window_days) after a message to the same customer, or any row carrying
-- the campaign_id of a message sent to that customer. Messages after as_of are ignored.
-- Only assisted rows are stored (about one in seven on the demo shop): regular ones are every other row
-- of int_orders_netted, which is where assisted_sales takes its totals.
with

orders as (

    select
        order_id,
        customer_id,
        ordered_at,
        ordered_date,
        amount,
        is_refund,
        campaign_id

    from {{ ref('int_orders_netted') }}

),

communications as (

    select
        customer_id,
        campaign_id,
        sent_at,
        window_ends_at
    from {{ ref('int_communications_sent') }}

),

-- a refund transaction is not caused by a message: only purchases can fall in a message's window
window_matches as (

    select distinct orders.order_id

    from orders
    inner join communications
        on orders.customer_id = communications.customer_id
            and orders.ordered_at >= communications.sent_at
            and orders.ordered_at < communications.window_ends_at
    where not orders.is_refund

),

campaign_matches as (

    select distinct orders.order_id

    from orders
    inner join communications
        on orders.customer_id = communications.customer_id
            and orders.campaign_id = communications.campaign_id

),

final as (

    select
        orders.order_id,
        orders.customer_id,
        orders.ordered_at,
        orders.ordered_date,
        orders.amount,
        orders.is_refund,
        orders.campaign_id,
        window_matches.order_id is not null as is_in_message_window,
        campaign_matches.order_id is not null as has_message_campaign

    from orders
    left join window_matches on orders.order_id = window_matches.order_id
    left join campaign_matches on orders.order_id = campaign_matches.order_id
    where window_matches.order_id is not null or campaign_matches.order_id is not null

)

select * from final
