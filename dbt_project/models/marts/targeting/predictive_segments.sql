-- The 3 x 3 predictive grid (SALESmanago's view): customers by purchase probability x churn probability
-- (cut points PULSE_PURCHASE_CUT_POINTS / PULSE_CHURN_CUT_POINTS, applied when the scores are written),
-- with their revenue and average predicted CLV per cell. Cells without customers have no row, and the
-- table is empty while the purchase or churn target is withheld.
with

predictions as (

    select
        customer_id,
        predictive_cell,
        purchase_probability_30d,
        churn_probability,
        predicted_clv
    from {{ ref('stg_predictions__customer_predictions') }}
    where predictive_cell is not null  -- none while purchase or churn is withheld

),

states as (

    select
        customer_id,
        revenue
    from {{ ref('int_customer_states') }}
    where is_as_of

),

per_cell as (

    select
        predictions.predictive_cell,
        count(*) as customers,
        sum(coalesce(states.revenue, 0)) as revenue,
        avg(predictions.predicted_clv) as avg_predicted_clv,
        sum(predictions.predicted_clv) as predicted_clv,
        avg(predictions.purchase_probability_30d) as avg_purchase_probability,
        avg(predictions.churn_probability) as avg_churn_probability

    from predictions
    left join states on predictions.customer_id = states.customer_id
    group by predictions.predictive_cell

),

final as (

    select
        cast(predictive_cell as {{ dbt.type_string() }}) as predictive_cell,
        cast({{ dbt.split_part(dbt.split_part('predictive_cell', "'/'", 1), "'_'", 1) }} as {{ dbt.type_string() }})
            as purchase_level,
        cast({{ dbt.split_part(dbt.split_part('predictive_cell', "'/'", 2), "'_'", 1) }} as {{ dbt.type_string() }})
            as churn_level,
        cast(customers as {{ dbt.type_bigint() }}) as customers,
        {{ dashboards_share('customers', 'sum(customers) over ()') }} as share_of_customers,
        {{ dashboards_money('revenue') }} as revenue,
        {{ dashboards_money('avg_predicted_clv') }} as avg_predicted_clv,
        {{ dashboards_money('predicted_clv') }} as predicted_clv,
        cast(avg_purchase_probability as {{ type_double() }}) as avg_purchase_probability,
        cast(avg_churn_probability as {{ type_double() }}) as avg_churn_probability

    from per_cell

)

select * from final
