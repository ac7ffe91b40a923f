-- One row per customer and month end, from the month of the customer's first order row up to
-- as_of's month; the last "month end" is as_of's date itself. RFM (recomputed at each month end,
-- macros/rfm.sql) and lifecycle state (macros/lifecycle.sql) use only orders up to that day, so the
-- row at as_of matches `customers`. Set-based: range joins and window functions, no correlated subqueries.
with

orders as (

    select
        customer_id,
        ordered_date,
        amount,
        is_refund

    from {{ ref('fct_orders') }}

),

run_context as (

    select as_of_date from {{ ref('int_run_context') }}

),

bounds as (

    select
        {{ dbt.date_trunc('month', 'min(orders.ordered_date)') }} as first_month,
        {{ dbt.date_trunc('month', 'run_context.as_of_date') }} as last_month,
        run_context.as_of_date

    from orders
    cross join run_context
    group by run_context.as_of_date

),

months as (

    select
        {{ customers_month_series('first_month', 'last_month') }} as month_start,
        as_of_date

    from bounds

),

month_ends as (

    select
        cast(month_start as date) as month_start,
        cast(least({{ dbt.last_day('month_start', 'month') }}, as_of_date) as date) as month_end

    from months

),

customer_starts as (

    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'min(ordered_date)') }} as date) as first_month,
        min(case when not is_refund then ordered_date end) as first_order_date

    from orders
    group by customer_id

),

purchase_days as (

    select distinct
        customer_id,
        ordered_date

    from orders
    where not is_refund

),

-- each customer's second purchase day, for the base's default gap
second_days as (

    select
        customer_id,
        min(ordered_date) as second_order_date

    from (
        select
            customer_id,
            ordered_date,
            row_number() over (partition by customer_id order by ordered_date) as day_number
        from purchase_days
    ) as numbered_days
    where day_number = 2
    group by customer_id

),

first_gaps as (

    select
        second_days.second_order_date,
        {{ dbt.datediff('customer_starts.first_order_date', 'second_days.second_order_date', 'day') }}
            as first_gap_days

    from second_days
    inner join customer_starts on second_days.customer_id = customer_starts.customer_id

),

-- the default gap as it was known at each month end
default_gaps as (

    select
        month_ends.month_end,
        {{ lifecycle_default_gap_days('first_gaps.first_gap_days') }} as default_gap_days

    from month_ends
    left join first_gaps on month_ends.month_end >= first_gaps.second_order_date
    group by month_ends.month_end

),

monthly as (

    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'ordered_date') }} as date) as month_start,
        count(distinct case when not is_refund then ordered_date end) as purchase_days,
        sum(case when not is_refund then 1 else 0 end) as purchases,
        max(case when not is_refund then ordered_date end) as last_purchase_date

    from orders
    group by customer_id, cast({{ dbt.date_trunc('month', 'ordered_date') }} as date)

),

grid as (

    select
        customer_starts.customer_id,
        customer_starts.first_order_date,
        month_ends.month_start,
        month_ends.month_end

    from customer_starts
    inner join month_ends on customer_starts.first_month <= month_ends.month_start

),

cumulative as (

    select
        grid.customer_id,
        grid.month_start,
        grid.month_end,
        grid.first_order_date,
        sum(coalesce(monthly.purchases, 0)) over (
            partition by grid.customer_id order by grid.month_start
            rows between unbounded preceding and current row
        ) as order_count,
        sum(coalesce(monthly.purchase_days, 0)) over (
            partition by grid.customer_id order by grid.month_start
            rows between unbounded preceding and current row
        ) as order_days,
        max(monthly.last_purchase_date) over (
            partition by grid.customer_id order by grid.month_start
            rows between unbounded preceding and current row
        ) as last_order_date

    from grid
    left join monthly
        on grid.customer_id = monthly.customer_id
            and grid.month_start = monthly.month_start

),

-- every order row joins the month ends whose RFM window contains it
windowed as (

    select
        orders.customer_id,
        month_ends.month_end,
        sum(case when not orders.is_refund then 1 else 0 end) as rfm_frequency,
        sum(orders.amount) as rfm_monetary

    from orders
    inner join month_ends
        on orders.ordered_date <= month_ends.month_end
            and {{ rfm_in_window('orders.ordered_date', 'month_ends.month_end') }}
    group by orders.customer_id, month_ends.month_end

),

measured as (

    select
        cumulative.customer_id,
        cumulative.month_start,
        cumulative.month_end,
        case when cumulative.order_count > 0 then cumulative.first_order_date end as first_order_date,
        cumulative.last_order_date,
        cumulative.order_count,
        cumulative.order_days,
        coalesce(windowed.rfm_frequency, 0) as rfm_frequency,
        coalesce(windowed.rfm_monetary, 0) as rfm_monetary,
        {{ dbt.datediff('cumulative.last_order_date', 'cumulative.month_end', 'day') }} as recency_days,  -- noqa: LT05
        case when cumulative.order_count > 0 then
                {{ dbt.datediff('cumulative.first_order_date', 'cumulative.month_end', 'day') }}
        end as tenure_days,
        {{ usual_gap_days(
            'cumulative.first_order_date', 'cumulative.last_order_date',
            'cumulative.order_days', 'default_gaps.default_gap_days'
        ) }} as usual_gap_days

    from cumulative
    inner join default_gaps on cumulative.month_end = default_gaps.month_end
    left join windowed
        on cumulative.customer_id = windowed.customer_id
            and cumulative.month_end = windowed.month_end

),

scored as (

    select
        *,
        {{ rfm_score('recency_days', 'rfm_frequency > 0', partition_by='month_end', higher_is_better=false) }}
            as r_score,
        {{ rfm_score('rfm_frequency', 'rfm_frequency > 0', partition_by='month_end') }} as f_score,
        {{ rfm_score('rfm_monetary', 'rfm_frequency > 0', partition_by='month_end') }} as m_score,
        {{ lifecycle_state('tenure_days', 'recency_days', 'usual_gap_days') }} as lifecycle_state

    from measured

),

final as (

    select
        *,
        {{ rfm_cell('r_score', 'f_score', 'm_score') }} as rfm_cell,
        {{ rfm_segment('r_score', 'f_score', 'm_score') }} as rfm_segment,
        coalesce(
            lag(lifecycle_state) over (partition by customer_id order by month_start), 'none'
        ) as previous_lifecycle_state

    from scored

)

select * from final
