-- Per customer with order items: items per order and favourite category. Empty without order_items.
with

items as (

    select * from {{ ref('int_order_items_enriched') }}

),

per_customer as (

    select
        customer_id,
        sum(quantity) as items,
        count(distinct order_id) as orders_with_items

    from items
    group by customer_id

),

by_category as (

    select
        customer_id,
        category,
        sum(quantity) as units,
        sum(line_amount) as amount,
        -- favourite: most units; ties by amount, then category name
        row_number() over (
            partition by customer_id order by sum(quantity) desc, sum(line_amount) desc, category asc
        ) as category_rank

    from items
    group by customer_id, category

),

final as (

    select
        per_customer.customer_id,
        cast(per_customer.items as {{ type_double() }}) / per_customer.orders_with_items as avg_basket_size,
        by_category.category as favourite_category

    from per_customer
    left join by_category
        on per_customer.customer_id = by_category.customer_id
            and by_category.category_rank = 1

)

select * from final
