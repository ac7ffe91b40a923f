-- One row per customer with a clean order row up to as_of: orders, revenue, cadence, RFM window
-- inputs and lifecycle state. Refund-only customers (no purchase) are kept so revenue reconciles.
with

orders as (

    select * from {{ ref('fct_orders') }}

),

purchases as (

    select * from {{ ref('int_orders_sequenced') }}

),

run_context as (

    select as_of_date from {{ ref('int_run_context') }}

),

-- revenue counts every row, refund transactions included
revenue as (

    select
        orders.customer_id,
        sum(orders.amount) as revenue,
        sum(case
            when {{ rfm_in_window('orders.ordered_date', 'run_context.as_of_date') }} then orders.amount else 0
        end) as rfm_monetary

    from orders
    cross join run_context
    group by orders.customer_id

),

purchase_stats as (

    select
        purchases.customer_id,
        min(purchases.ordered_at) as first_order_at,
        max(purchases.ordered_at) as last_order_at,
        min(purchases.ordered_date) as first_order_date,
        max(purchases.ordered_date) as last_order_date,
        count(*) as order_count,
        count(distinct purchases.ordered_date) as order_days,
        -- the first day with a positive gap is the customer's second purchase day
        min(case when purchases.days_since_previous_order > 0 then purchases.ordered_date end)
            as second_order_date,
        avg(purchases.days_since_previous_order) as avg_days_between_orders,
        {{ median('purchases.days_since_previous_order') }} as median_days_between_orders,
        sum(case
            when {{ rfm_in_window('purchases.ordered_date', 'run_context.as_of_date') }} then 1 else 0
        end) as rfm_frequency

    from purchases
    cross join run_context
    group by purchases.customer_id

),

-- one-purchase-day customers get the base's median gap between first and second purchase day
default_gap as (

    select
        {{ lifecycle_default_gap_days(dbt.datediff('first_order_date', 'second_order_date', 'day')) }}
            as default_gap_days

    from purchase_stats

),

joined as (

    select
        revenue.customer_id,
        purchase_stats.first_order_at,
        purchase_stats.last_order_at,
        purchase_stats.first_order_date,
        purchase_stats.last_order_date,
        coalesce(purchase_stats.order_count, 0) as order_count,
        coalesce(purchase_stats.order_days, 0) as order_days,
        revenue.revenue,
        purchase_stats.avg_days_between_orders,
        purchase_stats.median_days_between_orders,
        coalesce(purchase_stats.rfm_frequency, 0) as rfm_frequency,
        revenue.rfm_monetary,
        {{ dbt.datediff('purchase_stats.last_order_date', 'run_context.as_of_date', 'day') }} as recency_days,  -- noqa: LT05
        {{ dbt.datediff('purchase_stats.first_order_date', 'run_context.as_of_date', 'day') }} as tenure_days,  -- noqa: LT05
        {{ usual_gap_days(
            'purchase_stats.first_order_date', 'purchase_stats.last_order_date',
            'coalesce(purchase_stats.order_days, 0)', 'default_gap.default_gap_days'
        ) }} as usual_gap_days

    from revenue
    left join purchase_stats on revenue.customer_id = purchase_stats.customer_id
    cross join run_context
    cross join default_gap

),

final as (

    select
        *,
        {{ lifecycle_state('tenure_days', 'recency_days', 'usual_gap_days') }} as lifecycle_state,
        -- tenure is counted as at least one year, so a recent customer's rate is not inflated
        order_count * 365.0 / greatest(coalesce(tenure_days, 0), 365) as orders_per_year,
        revenue * 365.0 / greatest(coalesce(tenure_days, 0), 365) as revenue_per_year,
        cast({{ dbt.dateadd('day', 'cast(round(usual_gap_days) as integer)', 'last_order_date') }} as date)
            as expected_next_order_date

    from joined

)

select * from final
