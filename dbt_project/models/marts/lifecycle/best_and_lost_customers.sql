-- Per month: customers who are R5 F5 M5 (best) and R1 (lost) with RFM recomputed at that month end.
with

states as (

    select * from {{ ref('int_customer_states') }}

),

per_month as (

    select
        month_start,
        cutoff_date as month_end,
        sum(case when r_score = 5 and f_score = 5 and m_score = 5 then 1 else 0 end) as best_customers,
        sum(case when r_score = 1 then 1 else 0 end) as lost_customers,
        count(*) as customers

    from states
    group by month_start, cutoff_date

),

final as (

    select
        cast(month_start as date) as period_start,
        cast('month' as {{ dbt.type_string() }}) as grain,
        cast(month_end as date) as month_end,
        cast(best_customers as {{ dbt.type_bigint() }}) as best_customers,
        cast(lost_customers as {{ dbt.type_bigint() }}) as lost_customers,
        cast(customers as {{ dbt.type_bigint() }}) as customers,
        cast(best_customers * 1.0 / customers as {{ type_double() }}) as best_share,
        cast(lost_customers * 1.0 / customers as {{ type_double() }}) as lost_share

    from per_month

)

select * from final
