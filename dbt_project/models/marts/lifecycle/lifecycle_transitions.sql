-- Per month: customers moving from their state at the previous month end to their state at this one.
with

states as (

    select
        customer_id,
        month_start,
        cutoff_date,
        lifecycle_state,
        -- the state at the customer's previous cutoff; 'none' in their first month
        coalesce(
            lag(lifecycle_state) over (partition by customer_id order by month_start), 'none'
        ) as previous_lifecycle_state

    from {{ ref('int_customer_states') }}

),

per_month as (

    select
        month_start,
        cutoff_date as month_end,
        previous_lifecycle_state as from_state,
        lifecycle_state as to_state,
        count(*) as customers

    from states
    group by month_start, cutoff_date, previous_lifecycle_state, lifecycle_state

),

final as (

    select
        cast(month_start as date) as period_start,
        cast('month' as {{ dbt.type_string() }}) as grain,
        cast(month_end as date) as month_end,
        cast(from_state as {{ dbt.type_string() }}) as from_state,
        cast(to_state as {{ dbt.type_string() }}) as to_state,
        cast(customers as {{ dbt.type_bigint() }}) as customers

    from per_month

)

select * from final
