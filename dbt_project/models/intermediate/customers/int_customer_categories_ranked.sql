-- Per customer with order items: their favourite category (most units). Empty without order_items.
with

items as (

    select * from {{ ref('int_order_items_enriched') }}

),

by_category as (

    select
        customer_id,
        category,
        -- favourite: most units; ties by amount, then category name
        row_number() over (
            partition by customer_id order by sum(quantity) desc, sum(line_amount) desc, category asc
        ) as category_rank

    from items
    group by customer_id, category

),

final as (

    select
        customer_id,
        category as favourite_category

    from by_category
    where category_rank = 1

)

select * from final
