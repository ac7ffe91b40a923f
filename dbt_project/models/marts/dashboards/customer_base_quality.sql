-- Per month end in the last base_quality_window_months months (as_of's month included, as a snapshot
-- at as_of_date): the customer base (first purchase on or before the snapshot) split by time since
-- each customer's last purchase. Band [lower, upper) months: exactly 1 month ago falls in '1-3'.
with

purchase_months as (

    select * from {{ ref('int_customer_purchase_months') }}

),

run_context as (

    select as_of_date from {{ ref('int_run_context') }}

),

window_months as (

    select
        cast(
            {{ dbt.dateadd(
                'month',
                '-1 * (series.generated_number - 1)',
                dashboards_period_start('month', 'run_context.as_of_date')
            ) }} as date
        ) as period_start,
        run_context.as_of_date

    from ({{ dbt.generate_series(var('base_quality_window_months')) }}) as series
    cross join run_context

),

snapshots as (

    select
        period_start,
        case
            when {{ dashboards_period_end('month', 'period_start') }} < as_of_date
                then {{ dashboards_period_end('month', 'period_start') }}
            else as_of_date
        end as snapshot_date

    from window_months

),

-- each customer once per snapshot, with the last purchase on or before it
customer_snapshots as (

    select
        snapshots.period_start,
        snapshots.snapshot_date,
        purchase_months.customer_id,
        purchase_months.last_purchase_date

    from snapshots
    inner join purchase_months
        on snapshots.period_start >= purchase_months.purchase_month
            and (
                purchase_months.next_purchase_month is null
                or snapshots.period_start < purchase_months.next_purchase_month
            )

),

banded as (

    select
        period_start,
        snapshot_date,
        case
            when last_purchase_date > cast({{ dbt.dateadd('month', -1, 'snapshot_date') }} as date) then 1
            when last_purchase_date > cast({{ dbt.dateadd('month', -3, 'snapshot_date') }} as date) then 2
            when last_purchase_date > cast({{ dbt.dateadd('month', -6, 'snapshot_date') }} as date) then 3
            when last_purchase_date > cast({{ dbt.dateadd('month', -12, 'snapshot_date') }} as date) then 4
            else 5
        end as band_sort_order

    from customer_snapshots

),

band_counts as (

    select
        period_start,
        band_sort_order,
        count(*) as customers

    from banded
    group by period_start, band_sort_order

),

months_with_base as (

    select
        period_start,
        snapshot_date,
        count(*) as base_customers

    from customer_snapshots
    group by period_start, snapshot_date

),

bands as (

    select
        1 as band_sort_order,
        '0-1' as band_label,
        0 as band_min_months,
        1 as band_max_months
    union all
    select
        2 as band_sort_order,
        '1-3' as band_label,
        1 as band_min_months,
        3 as band_max_months
    union all
    select
        3 as band_sort_order,
        '3-6' as band_label,
        3 as band_min_months,
        6 as band_max_months
    union all
    select
        4 as band_sort_order,
        '6-12' as band_label,
        6 as band_min_months,
        12 as band_max_months
    union all
    select
        5 as band_sort_order,
        '12+' as band_label,
        12 as band_min_months,
        null as band_max_months

),

final as (

    select
        months_with_base.period_start,
        months_with_base.snapshot_date as period_end,
        cast('month' as {{ dbt.type_string() }}) as grain,
        cast(bands.band_label as {{ dbt.type_string() }}) as months_since_last_purchase_band,
        cast(bands.band_sort_order as {{ dbt.type_int() }}) as band_sort_order,
        cast(bands.band_min_months as {{ dbt.type_int() }}) as band_min_months,
        cast(bands.band_max_months as {{ dbt.type_int() }}) as band_max_months,
        cast(coalesce(band_counts.customers, 0) as {{ dbt.type_bigint() }}) as customers,
        cast(months_with_base.base_customers as {{ dbt.type_bigint() }}) as base_customers,
        {{ dashboards_share('coalesce(band_counts.customers, 0)', 'months_with_base.base_customers') }}
            as share_of_base

    from months_with_base
    cross join bands
    left join band_counts
        on months_with_base.period_start = band_counts.period_start
            and bands.band_sort_order = band_counts.band_sort_order

)

select * from final
