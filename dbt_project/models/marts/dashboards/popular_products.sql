-- Products ranked by units and by orders, per category and per basket-value band (quartile of the
-- order's gross value among orders with items), plus 'all' categories and 'all' bands. Empty when the
-- shop sends no order_items.
-- the band of a basket: band n holds values above the (n-1)th quartile, up to the nth (equal values share a
-- band); baskets and order lines both carry basket_value
{%- set basket_value_band %}
    case
        when basket_value <= cuts.p25 then '1'
        when basket_value <= cuts.p50 then '2'
        when basket_value <= cuts.p75 then '3'
        else '4'
    end
{%- endset %}

with

items as (

    select
        order_id,
        product_id,
        quantity,
        line_amount,
        order_gross_amount
    from {{ ref('int_order_items_enriched') }}

),

item_products as (

    select
        product_id,
        product_name,
        category
    from {{ ref('int_order_items_enriched') }}

),

history as (

    select * from {{ ref('int_order_history_span') }}

),

-- one row per order with lines (its first line), valued at the order's gross amount
baskets as (

    select
        order_id,
        order_gross_amount as basket_value
    from {{ ref('int_order_items_enriched') }}
    where line_number = 1

),

cuts as (

    select
        {{ percentile('basket_value', 0.25) }} as p25,
        {{ percentile('basket_value', 0.5) }} as p50,
        {{ percentile('basket_value', 0.75) }} as p75

    from baskets

),

banded_baskets as (

    select
        baskets.basket_value,
        {{ basket_value_band }} as basket_value_band

    from baskets
    cross join cuts

),

band_bounds as (

    select
        basket_value_band,
        min(basket_value) as basket_value_min,
        max(basket_value) as basket_value_max

    from banded_baskets
    group by basket_value_band

    union all

    select
        'all' as basket_value_band,
        min(basket_value) as basket_value_min,
        max(basket_value) as basket_value_max

    from banded_baskets
    having count(*) > 0

),

-- one row per order and product (an order may list a product on several lines), so that counting
-- rows counts orders in every grouping below; grouped on the two keys alone (names join the far fewer
-- rows after, and the basket value is the same on every line of an order), which keeps the largest
-- aggregation of this model small
order_products as (

    select
        order_id,
        product_id,
        sum(quantity) as units,
        sum(line_amount) as revenue,
        max(order_gross_amount) as basket_value

    from items
    group by order_id, product_id

),

banded_order_products as (

    select
        order_products.*,
        {{ basket_value_band }} as basket_value_band

    from order_products
    cross join cuts

),

-- a product has one name and one category in the order lines (int_order_items_enriched)
products as (

    select
        product_id,
        max(product_name) as product_name,
        max(category) as category

    from item_products
    group by product_id

),

{%- set groupings = [
    ['category', 'basket_value_band'],
    ['category'],
    ['basket_value_band'],
    [],
] %}

-- each product per (category, band) once over the order lines; the coarser groupings below add these up
-- (a product has one category and an order one band, so their sums count every order once)
finest as (

    select
        products.category,
        banded_order_products.basket_value_band,
        banded_order_products.product_id,
        max(products.product_name) as product_name,
        sum(banded_order_products.units) as units,
        count(*) as orders,
        sum(banded_order_products.revenue) as revenue

    from banded_order_products
    inner join products on banded_order_products.product_id = products.product_id
    group by products.category, banded_order_products.basket_value_band, banded_order_products.product_id

),

-- each product per (category, band), per category across bands, per band across categories, overall
product_totals as (

    {% for grouping in groupings %}
    select
        {{ 'category' if 'category' in grouping else "'all'" }} as category,  -- noqa: AL09
        {{ 'basket_value_band' if 'basket_value_band' in grouping else "'all'" }} as basket_value_band,  -- noqa: AL09
        product_id,
        max(product_name) as product_name,
        sum(units) as units,
        sum(orders) as orders,
        sum(revenue) as revenue

    from finest
    group by {% for column in grouping %}{{ column }}, {% endfor %}product_id
    {% if not loop.last %}

    union all

    {% endif -%}
    {% endfor %}

),

final as (

    select
        cast(product_totals.category as {{ dbt.type_string() }}) as category,
        cast(product_totals.basket_value_band as {{ dbt.type_string() }}) as basket_value_band,
        {{ dashboards_money('band_bounds.basket_value_min') }} as basket_value_min,
        {{ dashboards_money('band_bounds.basket_value_max') }} as basket_value_max,
        cast(product_totals.product_id as {{ dbt.type_string() }}) as product_id,
        cast(product_totals.product_name as {{ dbt.type_string() }}) as product_name,
        history.history_start as period_start,
        history.history_end as period_end,
        cast('all' as {{ dbt.type_string() }}) as grain,
        cast(product_totals.units as {{ dbt.type_bigint() }}) as units,
        cast(product_totals.orders as {{ dbt.type_bigint() }}) as orders,
        {{ dashboards_money('product_totals.revenue') }} as revenue,
        cast(row_number() over (
            partition by product_totals.category, product_totals.basket_value_band
            order by product_totals.units desc, product_totals.orders desc, product_totals.product_id asc
        ) as {{ dbt.type_bigint() }}) as rank_by_units,
        cast(row_number() over (
            partition by product_totals.category, product_totals.basket_value_band
            order by product_totals.orders desc, product_totals.units desc, product_totals.product_id asc
        ) as {{ dbt.type_bigint() }}) as rank_by_orders

    from product_totals
    inner join band_bounds on product_totals.basket_value_band = band_bounds.basket_value_band
    cross join history

)

select * from final
