-- What happened after each training sample's cutoff (int_training_samples), for the targets whose training
-- cutoffs include it (int_training_cutoffs), with the label window actually used. Windows end on or before
-- as_of; a label is null where the row's cutoff is not one of that target's cutoffs.
with

samples as (

    select * from {{ ref('int_training_samples') }}

),

target_cutoffs as (

    select
        cutoff_date,
        max(case when target = 'purchase' then window_days end) as purchase_window_days,
        max(case when target = 'churn' then window_days end) as churn_window_days,
        max(case when target = 'clv' then window_days end) as clv_window_days

    from {{ ref('int_training_cutoffs') }}
    group by cutoff_date

),

run_context as (

    select as_of_date from {{ ref('int_run_context') }}

),

activity as (

    select
        customer_id,
        activity_date,
        purchases,
        amount
    from {{ ref('int_customer_activity_days') }}

),

windowed as (

    select
        samples.customer_id,
        samples.cutoff_date,
        target_cutoffs.purchase_window_days,
        target_cutoffs.churn_window_days,
        target_cutoffs.clv_window_days,
        {{ dbt.datediff('samples.cutoff_date', 'run_context.as_of_date', 'day') }}
            as next_order_window_days,
        activity.activity_date,
        activity.purchases,
        activity.amount,
        {{ dbt.datediff('samples.cutoff_date', 'activity.activity_date', 'day') }}
            as days_after

    from samples
    inner join target_cutoffs on samples.cutoff_date = target_cutoffs.cutoff_date
    cross join run_context
    left join activity
        on samples.customer_id = activity.customer_id
            and samples.cutoff_date < activity.activity_date

),

labelled as (

    select
        customer_id,
        cutoff_date,
        max(purchase_window_days) as purchase_window_days,
        max(churn_window_days) as churn_window_days,
        max(clv_window_days) as clv_window_days,
        max(next_order_window_days) as next_order_window_days,
        sum(case when purchases > 0 and days_after <= purchase_window_days then 1 else 0 end)
            as purchases_in_purchase_window,
        sum(case when purchases > 0 and days_after <= churn_window_days then 1 else 0 end)
            as purchases_in_churn_window,
        sum(case when days_after <= clv_window_days then amount else 0 end) as revenue_in_clv_window,
        min(case when purchases > 0 then days_after end) as days_to_next_order

    from windowed
    group by customer_id, cutoff_date

),

final as (

    select
        customer_id,
        cutoff_date,
        case when purchase_window_days is not null then purchases_in_purchase_window > 0 end
            as purchase_label,
        cast(purchase_window_days as {{ dbt.type_int() }}) as purchase_window_days,
        case when churn_window_days is not null then purchases_in_churn_window = 0 end as churn_label,
        cast(churn_window_days as {{ dbt.type_int() }}) as churn_window_days,
        -- net revenue can dip below zero through refunds; a customer's value is never negative
        case when clv_window_days is not null then
                cast(greatest(revenue_in_clv_window, 0) as {{ type_double() }})
        end as clv_label,
        cast(clv_window_days as {{ dbt.type_int() }}) as clv_window_days,
        cast(days_to_next_order as {{ type_double() }}) as days_to_next_order,
        cast(next_order_window_days as {{ dbt.type_int() }}) as next_order_window_days

    from labelled

)

select * from final
