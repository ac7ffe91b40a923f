with

source as (

    select * from {{ source('raw', 'order_items') }}

),

typed as (

    select
        {{ blank_to_null('order_id') }} as order_id,
        {{ blank_to_null('product_id') }} as product_id,
        {{ try_cast(blank_to_null('quantity'), api.Column.translate_type('integer')) }} as quantity,
        {{ parse_money(blank_to_null('unit_price')) }} as unit_price,
        {{ parse_money(blank_to_null('line_amount')) }} as line_amount,
        _source_file as source_file,
        _source_row as source_row

    from source

),

-- a line is priced by its unit price or by its total (a basket file's sales value); the total is what sums
-- into revenue, so a unit price derived from it (rounded to the cent) never feeds a sum back
priced as (

    select
        order_id,
        product_id,
        quantity,
        coalesce(
            unit_price,
            cast(round(line_amount / nullif(quantity, 0), 2) as decimal(18, 2))
        ) as unit_price,
        coalesce(line_amount, cast(quantity * unit_price as decimal(18, 2))) as line_amount,
        source_file,
        source_row

    from typed

)

select * from priced
