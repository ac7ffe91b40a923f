-- One row proving that every raw order row is accounted for (tested in assert_order_rows_reconcile).
with

raw_orders as (

    select count(*) as raw_rows from {{ source('raw', 'orders') }}

),

clean as (

    select count(*) as clean_rows from {{ ref('fct_orders') }}

),

quarantined as (

    select count(*) as quarantined_rows from {{ ref('quarantined_orders') }}

),

set_aside as (

    select
        -- sum() of integers is hugeint in DuckDB: cast so the contract's bigint holds everywhere
        cast(sum(case when outcome = 'duplicate' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as duplicates_collapsed,
        cast(sum(case when outcome = 'after_as_of' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as after_as_of_rows

    from {{ ref('int_orders_classified') }}

),

run_context as (

    select * from {{ ref('int_run_context') }}

),

final as (

    select
        run_context.as_of,
        run_context.as_of_source,
        raw_orders.raw_rows,
        clean.clean_rows,
        quarantined.quarantined_rows,
        coalesce(set_aside.duplicates_collapsed, 0) as duplicates_collapsed,
        coalesce(set_aside.after_as_of_rows, 0) as after_as_of_rows

    from run_context
    cross join raw_orders
    cross join clean
    cross join quarantined
    cross join set_aside

)

select * from final
