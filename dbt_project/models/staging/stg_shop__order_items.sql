with

source as (

    select * from {{ source('raw', 'order_items') }}

),

renamed as (

    select
        {{ blank_to_null('order_id') }} as order_id,
        {{ blank_to_null('product_id') }} as product_id,
        {{ try_cast(blank_to_null('quantity'), api.Column.translate_type('integer')) }} as quantity,
        {{ parse_money(blank_to_null('unit_price')) }} as unit_price,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
