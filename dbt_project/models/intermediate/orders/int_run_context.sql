-- The run's moments, one row: as_of (configured, else the latest valid order, else the wall clock, and
-- as_of_source says which), its date, the wall clock and the reporting currency.
with

classified as (

    select
        ordered_at,
        rejection_reason
    from {{ ref('int_orders_classified') }}

),

-- int_orders_classified resolved the same as_of from the same rows (see there); this is the one row
-- every other model reads
latest as (

    select {{ latest_valid_ordered_at() }} as latest_ordered_at from classified

),

resolved as (

    select
        {{ resolve_as_of('latest_ordered_at') }} as as_of,
        {{ resolve_as_of_source('latest_ordered_at') }} as as_of_source,
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
