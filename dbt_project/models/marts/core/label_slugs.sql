-- Every category and channel label as the shop wrote it, with the slug that names it where a name must be an
-- identifier: ML features (category_share__<slug>, channel_share__<slug>) and audiences' `category:`.
with

categories as (

    select distinct category as shop_label
    from {{ ref('int_order_items_enriched') }}

),

channels as (

    select distinct channel as shop_label
    from {{ ref('int_orders_netted') }}

),

labels as (

    select
        'category' as dimension,
        shop_label
    from categories

    union all

    select
        'channel' as dimension,
        shop_label
    from channels

),

final as (

    select
        cast(dimension as {{ dbt.type_string() }}) as dimension,
        cast(shop_label as {{ dbt.type_string() }}) as shop_label,
        cast({{ label_slug('shop_label') }} as {{ dbt.type_string() }}) as slug
    from labels

)

select * from final
