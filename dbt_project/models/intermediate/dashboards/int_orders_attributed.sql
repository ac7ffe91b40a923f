-- Every fct_orders row (refund transactions included), flagged when a communication assisted it:
-- a purchase placed in [sent_at, sent_at + attribution_window_days) after a message to the same
-- customer, or any row carrying the campaign_id of a message sent to that customer.
-- Messages after as_of are ignored. No communications file: every row is regular.
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

    from {{ ref('fct_orders') }}

),

run_context as (

    select as_of from {{ ref('int_run_context') }}

),

communications as (

    select
        communications.customer_id,
        communications.campaign_id,
        communications.sent_at,
        {{ dbt.dateadd('day', var('attribution_window_days'), 'communications.sent_at') }} as window_ends_at

    from {{ ref('stg_shop__communications') }} as communications
    cross join run_context
    where
        communications.customer_id is not null
        and communications.sent_at is not null
        and communications.sent_at <= run_context.as_of

),

-- a refund transaction is not caused by a message: only purchases can fall in a message's window
window_matches as (

    select distinct orders.order_id

    from orders
    inner join communications
        on orders.customer_id = communications.customer_id
        and communications.sent_at <= orders.ordered_at
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
        campaign_matches.order_id is not null as has_message_campaign,
        window_matches.order_id is not null or campaign_matches.order_id is not null as is_assisted

    from orders
    left join window_matches on orders.order_id = window_matches.order_id
    left join campaign_matches on orders.order_id = campaign_matches.order_id

)

select * from final
