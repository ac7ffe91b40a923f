-- Lines of cleaned purchases with the product's name and category, priced in the reporting currency at the
-- order's exchange rate. Empty when the shop sends no order_items.
-- Incremental per customer (macros/per_customer_incremental.sql): a customer's lines are recomputed when their
-- orders, their lines or the catalogue changed.
{{ per_customer_incremental('order_lines_fingerprint') }}

with

recomputed as (

    {{ customers_to_recompute('order_lines_fingerprint') }}

),

orders as (

    select
        netted.order_id,
        netted.customer_id,
        netted.ordered_at,
        netted.ordered_date,
        netted.currency,
        netted.exchange_rate,
        netted.gross_amount,
        recomputed.input_fingerprint
    from {{ ref('int_orders_netted') }} as netted
    inner join recomputed on netted.customer_id = recomputed.customer_id
    where not netted.is_refund

),

-- lines are numbered per order before the join: an order's lines all join or none do, so the numbers are
-- the same, and the window sorts the narrow item rows instead of the enriched ones
items as (

    select
        order_id,
        -- bigint on every engine (Spark's row_number is an int; the contract says bigint)
        cast(row_number() over (partition by order_id order by source_file, source_row) as {{ dbt.type_bigint() }})
            as line_number,
        product_id,
        quantity,
        unit_price,
        line_amount

    from {{ ref('stg_shop__order_items') }}
    where quantity > 0 and line_amount is not null and product_id is not null
        -- only the recomputed customers' lines are numbered (a full build joins them all below anyway)
        and {{ 'order_id in (select orders.order_id from orders)' if is_incremental() else 'true' }}

),

-- a catalogue may list a product twice: keep its last row so items never fan out
products as (

    select
        product_id,
        product_name,
        category
    from (
        select
            *,
            row_number() over (partition by product_id order by source_row desc) as catalogue_rank
        from {{ ref('stg_shop__products') }}
    ) as ranked_products
    where catalogue_rank = 1

),

-- the published key (order_id-line_number) is built in fct_order_items: a 15-character string per line
-- costs more to store than it is worth in an intermediate table
joined as (

    select
        items.order_id,
        items.line_number,
        orders.customer_id,
        orders.ordered_at,
        orders.ordered_date,
        items.product_id,
        products.product_name,
        coalesce(products.category, 'uncategorized') as category,
        items.quantity,
        cast(round(items.unit_price * orders.exchange_rate, 2) as decimal(18, 2)) as unit_price,
        cast(round(items.line_amount * orders.exchange_rate, 2) as decimal(18, 2)) as line_amount,
        items.line_amount as original_line_amount,
        orders.currency,
        -- the whole order's gross value on each line, so popular_products bands baskets without joining
        -- every line to the orders again
        orders.gross_amount as order_gross_amount,
        orders.input_fingerprint

    from items
    inner join orders on items.order_id = orders.order_id
    left join products on items.product_id = products.product_id

)

select * from joined
