-- noqa: disable=LT05
-- The one definition of customer state at a cutoff: one row per customer and cutoff (int_cutoff_dates) from
-- the customer's first month on, using only facts on or before the cutoff. Order counts, revenue, first and
-- last purchase, gaps, recency, RFM (window values, scores, cell, segment), the usual gap and the lifecycle
-- state. customers reads the as_of rows, the lifecycle marts every month end.
--
-- Set-based in one pass: daily activity is summed per month, and each day also leaves the RFM window on
-- day + rfm_window_days, so a running sum over the customer's months gives every cutoff's window without
-- joining each order to every cutoff.
with

activity as (

    select * from {{ ref('int_customer_activity_days') }}

),

cutoffs as (

    select * from {{ ref('int_cutoff_dates') }}

),

base_gaps as (

    select * from {{ ref('int_cutoff_base_gaps') }}

),

rfm_segments as (

    select * from {{ ref('rfm_segments') }}

),

monthly_activity as (

    select
        customer_id,
        activity_month as month_start,
        sum(purchases) as purchases,
        sum(amount) as amount,
        sum(case when is_purchase_day then 1 else 0 end) as purchase_days,
        sum(units) as units,
        sum(orders_with_items) as orders_with_items,
        min(case when is_purchase_day then activity_date end) as first_purchase_date,
        max(case when is_purchase_day then activity_date end) as last_purchase_date,
        min(first_purchase_at) as first_purchase_at,
        max(last_purchase_at) as last_purchase_at,
        sum(gap_days) as gap_days_sum,
        sum(gap_days * gap_days) as gap_days_squared_sum,
        max(case when is_last_purchase_day_of_month then gap_days end) as last_gap_days

    from activity
    group by customer_id, activity_month

),

-- a day leaves the window of every cutoff on or after day + rfm_window_days; exits after as_of never count
window_exits as (

    select
        activity.customer_id,
        cutoffs.month_start,
        sum(activity.purchases) as purchases,
        sum(activity.amount) as amount

    from activity
    inner join cutoffs
        on cutoffs.month_start = cast({{ dbt.date_trunc('month', dbt.dateadd('day', var('rfm_window_days'), 'activity.activity_date')) }} as date)
            and cutoffs.cutoff_date >= cast({{ dbt.dateadd('day', var('rfm_window_days'), 'activity.activity_date') }} as date)
    group by activity.customer_id, cutoffs.month_start

),

customer_starts as (

    select
        customer_id,
        min(month_start) as first_month

    from monthly_activity
    group by customer_id

),

grid as (

    select
        customer_starts.customer_id,
        cutoffs.month_start,
        cutoffs.cutoff_date,
        cutoffs.is_as_of

    from customer_starts
    inner join cutoffs on cutoffs.month_start >= customer_starts.first_month

),

running as (

    select
        grid.customer_id,
        grid.month_start,
        grid.cutoff_date,
        grid.is_as_of,
        sum(coalesce(monthly_activity.purchases, 0)) over customer_months as order_count,
        sum(coalesce(monthly_activity.amount, 0)) over customer_months as revenue,
        sum(coalesce(monthly_activity.purchase_days, 0)) over customer_months as order_days,
        sum(coalesce(monthly_activity.units, 0)) over customer_months as units,
        sum(coalesce(monthly_activity.orders_with_items, 0)) over customer_months as orders_with_items,
        sum(coalesce(monthly_activity.purchases, 0) - coalesce(window_exits.purchases, 0)) over customer_months
            as rfm_frequency,
        sum(coalesce(monthly_activity.amount, 0) - coalesce(window_exits.amount, 0)) over customer_months
            as rfm_monetary,
        min(monthly_activity.first_purchase_date) over customer_months as first_order_date,
        max(monthly_activity.last_purchase_date) over customer_months as last_order_date,
        min(monthly_activity.first_purchase_at) over customer_months as first_order_at,
        max(monthly_activity.last_purchase_at) over customer_months as last_order_at,
        sum(monthly_activity.gap_days_sum) over customer_months as gap_days_sum,
        sum(monthly_activity.gap_days_squared_sum) over customer_months as gap_days_squared_sum,
        {{ last_value_ignore_nulls('monthly_activity.last_gap_days') }} over customer_months as last_gap_days

    from grid
    left join monthly_activity
        on grid.customer_id = monthly_activity.customer_id
            and grid.month_start = monthly_activity.month_start
    left join window_exits
        on grid.customer_id = window_exits.customer_id
            and grid.month_start = window_exits.month_start
    window customer_months as (
        partition by grid.customer_id order by grid.month_start rows between unbounded preceding and current row
    )

),

measured as (

    select
        running.*,
        case when running.order_days > 0 then running.order_days - 1 end as gaps,
        case when running.order_days > 1 then running.gap_days_sum / (running.order_days - 1.0) end
            as own_gap_days,
        {{ dbt.datediff('running.last_order_date', 'running.cutoff_date', 'day') }} as recency_days,
        {{ dbt.datediff('running.first_order_date', 'running.cutoff_date', 'day') }} as tenure_days,
        base_gaps.base_gap_days

    from running
    inner join base_gaps on running.cutoff_date = base_gaps.cutoff_date

),

gapped as (

    select
        *,
        {{ usual_gap_days('own_gap_days', 'gaps', 'base_gap_days') }} as usual_gap_days,
        case when gaps > 0 then sqrt(greatest(
            gap_days_squared_sum / gaps - (gap_days_sum / gaps) * (gap_days_sum / gaps), 0
        )) end as gap_std_days

    from measured

),

scored as (

    select
        *,
        {{ lifecycle_state('tenure_days', 'recency_days', 'usual_gap_days') }} as lifecycle_state,
        {{ rfm_score('recency_days', 'rfm_frequency > 0', partition_by='cutoff_date', higher_is_better=false) }}
            as r_score,
        {{ rfm_score('rfm_frequency', 'rfm_frequency > 0', partition_by='cutoff_date') }} as f_score,
        {{ rfm_score('rfm_monetary', 'rfm_frequency > 0', partition_by='cutoff_date') }} as m_score

    from gapped

),

final as (

    select
        scored.customer_id,
        scored.cutoff_date,
        scored.month_start,
        scored.is_as_of,
        cast(scored.order_count as {{ dbt.type_bigint() }}) as order_count,
        cast(scored.order_days as {{ dbt.type_bigint() }}) as order_days,
        cast(scored.revenue as decimal(18, 2)) as revenue,
        cast(case when scored.order_count > 0 then scored.revenue / scored.order_count end as {{ type_double() }})
            as avg_order_value,
        cast(scored.units * 1.0 / nullif(scored.orders_with_items, 0) as {{ type_double() }}) as avg_basket_size,
        scored.first_order_at,
        scored.last_order_at,
        scored.first_order_date,
        scored.last_order_date,
        cast(scored.recency_days as {{ dbt.type_int() }}) as recency_days,
        cast(scored.tenure_days as {{ dbt.type_int() }}) as tenure_days,
        cast(scored.gaps as {{ dbt.type_int() }}) as gaps,
        cast(scored.own_gap_days as {{ type_double() }}) as own_gap_days,
        cast(scored.gap_std_days as {{ type_double() }}) as gap_std_days,
        cast(scored.last_gap_days as {{ dbt.type_int() }}) as last_gap_days,
        cast(scored.base_gap_days as {{ type_double() }}) as base_gap_days,
        cast(scored.usual_gap_days as {{ type_double() }}) as usual_gap_days,
        cast(scored.rfm_frequency as {{ dbt.type_bigint() }}) as rfm_frequency,
        cast(scored.rfm_monetary as decimal(18, 2)) as rfm_monetary,
        scored.r_score,
        scored.f_score,
        scored.m_score,
        {{ rfm_cell('scored.r_score', 'scored.f_score', 'scored.m_score') }} as rfm_cell,
        rfm_segments.rfm_segment,
        cast(scored.lifecycle_state as {{ dbt.type_string() }}) as lifecycle_state,
        cast(coalesce(
            lag(scored.lifecycle_state) over (partition by scored.customer_id order by scored.month_start), 'none'
        ) as {{ dbt.type_string() }}) as previous_lifecycle_state,
        cast({{ dbt.dateadd('day', 'cast(round(scored.usual_gap_days) as ' ~ dbt.type_int() ~ ')', 'scored.last_order_date') }} as date)
            as expected_next_order_date,
        -- tenure counts as at least one year, so a recent customer's rate is not inflated
        scored.order_count * 365.0 / greatest(coalesce(scored.tenure_days, 0), 365) as orders_per_year,
        scored.revenue * 365.0 / greatest(coalesce(scored.tenure_days, 0), 365) as revenue_per_year

    from scored
    left join rfm_segments
        on scored.r_score = rfm_segments.r_score
            and {{ rfm_fm_score('scored.f_score', 'scored.m_score') }} = rfm_segments.fm_score

)

select * from final
