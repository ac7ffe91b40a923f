with

source as (

    select * from {{ source('raw', 'products') }}

),

renamed as (

    select
        {{ blank_to_null('product_id') }} as product_id,
        {{ blank_to_null('name') }} as product_name,
        -- the shop's own label, trimmed: slugs are made only where a name must be an identifier
        coalesce({{ blank_to_null('category') }}, 'uncategorized') as category,
        {{ parse_money(blank_to_null('price')) }} as price,
        _source_row as source_row

    from source

)

select * from renamed
