-- One row proving that every raw order row is accounted for (tested in assert_order_reconciliation_adds_up).
with

raw_orders as (

    select count(*) as raw_rows from {{ ref('stg_shop__orders') }}

),

reasons as (

    select
        reason,
        reason_kind
    from {{ ref('quarantine_reasons') }}

),

-- sum() of integers is hugeint in DuckDB: cast so the contract's bigint holds everywhere
outcomes as (

    select
        cast(sum(case when classified.outcome = 'clean' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as clean_rows,
        cast(sum(case when classified.outcome = 'quarantined' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as quarantined_rows,
        cast(sum(case when reasons.reason_kind = 'invalid' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as invalid_rows,
        cast(sum(case when reasons.reason_kind = 'excluded' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as excluded_rows,
        cast(sum(case when classified.outcome = 'duplicate' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as duplicates_collapsed,
        cast(sum(case when classified.outcome = 'after_as_of' then 1 else 0 end) as {{ dbt.type_bigint() }})
            as after_as_of_rows

    from {{ ref('int_orders_classified') }} as classified
    left join reasons on classified.reason = reasons.reason

),

run_context as (

    select * from {{ ref('int_run_context') }}

),

final as (

    select
        run_context.as_of,
        run_context.as_of_source,
        raw_orders.raw_rows,
        coalesce(outcomes.clean_rows, 0) as clean_rows,
        coalesce(outcomes.quarantined_rows, 0) as quarantined_rows,
        coalesce(outcomes.invalid_rows, 0) as invalid_rows,
        coalesce(outcomes.excluded_rows, 0) as excluded_rows,
        coalesce(outcomes.duplicates_collapsed, 0) as duplicates_collapsed,
        coalesce(outcomes.after_as_of_rows, 0) as after_as_of_rows

    from run_context
    cross join raw_orders
    cross join outcomes

)

select * from final
