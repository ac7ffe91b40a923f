-- One row per cutoff at which customer state is computed: every month end from the month of the first
-- cleaned order row up to as_of's month, whose cutoff is as_of's date (the scoring cutoff).
with

orders as (

    select ordered_date from {{ ref('int_orders_netted') }}

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
        {{ month_series('first_month', 'last_month') }} as month_start,
        as_of_date

    from bounds

),

final as (

    select
        cast(month_start as date) as month_start,
        cast(least({{ dbt.last_day('month_start', 'month') }}, as_of_date) as date) as cutoff_date,
        cast(least({{ dbt.last_day('month_start', 'month') }}, as_of_date) as date) = as_of_date as is_as_of

    from months

)

select * from final
