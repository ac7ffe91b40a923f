-- The run's moments, one row: as_of (configured, else the latest valid order, else the wall clock, and
-- as_of_source says which), its date, the wall clock and the reporting currency.
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
        case
            when {{ as_of_override() }} is not null then 'configured'
            when latest_ordered_at is not null then 'latest_order'
            else 'wall_clock'
        end as as_of_source,
        {{ pulse_now() }} as pulse_now

    from latest

),

final as (

    select
        as_of,
        cast(as_of as date) as as_of_date,
        cast(as_of_source as {{ dbt.type_string() }}) as as_of_source,
        pulse_now,
        cast('{{ var("reporting_currency") }}' as {{ dbt.type_string() }}) as reporting_currency

    from resolved

)

select * from final
