-- A view: the int_orders_netted table is stored once, and published and checked through this contract.
{{ config(materialized='view') }}

with

orders as (

    select * from {{ ref('int_orders_netted') }}

),

final as (

    select
        order_id,
        customer_id,
        ordered_at,
        ordered_date,
        amount,
        gross_amount,
        refunded_amount,
        cast('{{ var("reporting_currency") }}' as {{ dbt.type_string() }}) as reporting_currency,
        original_amount,
        currency,
        exchange_rate,
        is_refund,
        status,
        channel,
        campaign_id,
        source_file,
        source_row

    from orders

)

select * from final
