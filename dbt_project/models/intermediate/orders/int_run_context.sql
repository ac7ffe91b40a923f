-- The run's moments, one row: as_of (configured, or the latest valid order), its date, the wall clock.
with

valid_orders as (

    select ordered_at from {{ ref('int_orders_validated') }}
    where rejection_reason is null

),

latest as (

    select max(ordered_at) as latest_ordered_at from valid_orders

),

resolved as (

    select
        coalesce({{ as_of_override() }}, latest_ordered_at, {{ pulse_now() }}) as as_of,
        case when {{ as_of_override() }} is null then 'latest_order' else 'configured' end as as_of_source,
        {{ pulse_now() }} as pulse_now

    from latest

),

final as (

    select
        as_of,
        cast(as_of as date) as as_of_date,
        as_of_source,
        pulse_now

    from resolved

)

select * from final
