-- One row: the span every 'all'-grain dashboard row covers, from the first day of the month of the
-- earliest clean order (refunds included) to as_of_date. history_start is null when there are no orders.
with

orders as (

    select ordered_date from {{ ref('int_orders_netted') }}

),

run_context as (

    select as_of_date from {{ ref('int_run_context') }}

),

earliest as (

    select min(ordered_date) as first_ordered_date from orders

),

final as (

    select
        {{ dashboards_period_start('month', 'earliest.first_ordered_date') }} as history_start,
        run_context.as_of_date as history_end

    from run_context
    cross join earliest

)

select * from final
