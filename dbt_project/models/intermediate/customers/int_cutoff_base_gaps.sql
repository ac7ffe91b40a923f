-- Per cutoff, the base gap: the number of days between first and second purchase day within which
-- var('base_gap_share') of the customers who made a second purchase by the cutoff made it.
with

second_purchase_days as (

    select
        activity_month,
        gap_days as first_gap_days
    from {{ ref('int_customer_activity_days') }}
    where purchase_day_number = 2

),

cutoffs as (

    select
        month_start,
        cutoff_date
    from {{ ref('int_cutoff_dates') }}

),

-- gaps are whole days, so counting customers per gap is exact and small
gap_counts as (

    select
        activity_month,
        first_gap_days,
        count(*) as customers

    from second_purchase_days
    group by activity_month, first_gap_days

),

-- every second purchase of a month happens on or before that month's cutoff
known_at_cutoff as (

    select
        cutoffs.cutoff_date,
        gap_counts.first_gap_days,
        sum(gap_counts.customers) as customers

    from cutoffs
    inner join gap_counts on cutoffs.month_start >= gap_counts.activity_month
    group by cutoffs.cutoff_date, gap_counts.first_gap_days

),

cumulative as (

    select
        cutoff_date,
        first_gap_days,
        sum(customers) over (
            partition by cutoff_date order by first_gap_days rows between unbounded preceding and current row
        ) as customers_within,
        sum(customers) over (partition by cutoff_date) as customers_known

    from known_at_cutoff

),

reached as (

    select
        cutoff_date,
        min(first_gap_days) as base_gap_days,
        max(customers_known) as second_purchases

    from cumulative
    where customers_within >= {{ var('base_gap_share') }} * customers_known
    group by cutoff_date

),

final as (

    select
        cutoffs.cutoff_date,
        -- no second purchase yet: fall back to the RFM window
        cast(coalesce(reached.base_gap_days, {{ var('rfm_window_days') }}) as {{ type_double() }}) as base_gap_days,
        cast(coalesce(reached.second_purchases, 0) as {{ dbt.type_bigint() }}) as second_purchases

    from cutoffs
    left join reached on cutoffs.cutoff_date = reached.cutoff_date

)

select * from final
