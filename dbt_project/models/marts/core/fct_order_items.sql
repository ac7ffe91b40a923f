-- A view: the int_order_items_enriched table is stored once, and published and checked through this contract.
{{ config(materialized='view') }}

with

items as (

    select * from {{ ref('int_order_items_enriched') }}

),

final as (

    select
        {{ dbt.concat(['order_id', "'-'", 'cast(line_number as ' ~ dbt.type_string() ~ ')']) }}
            as order_item_id,
        order_id,
        line_number,
        customer_id,
        ordered_at,
        ordered_date,
        product_id,
        product_name,
        category,
        quantity,
        unit_price,
        line_amount,
        original_line_amount,
        currency

    from items

)

select * from final
