with

source as (

    select * from {{ source('predictions', 'customer_predictions') }}

),

renamed as (

    select
        customer_id,
        purchase_probability_30d,
        churn_probability,
        predicted_clv,
        expected_next_order_date,
        predictive_cell

    from source

)

select * from renamed
