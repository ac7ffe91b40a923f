with

source as (

    select * from {{ source('raw', 'products') }}

),

renamed as (

    select
        {{ blank_to_null('product_id') }} as product_id,
        {{ blank_to_null('name') }} as product_name,
        coalesce(lower({{ blank_to_null('category') }}), 'uncategorized') as category,
        {{ parse_money(blank_to_null('price')) }} as price,
        _source_row as source_row

    from source

)

select * from renamed
