-- One row per customer with clean orders: fingerprints of everything the per-customer incremental models
-- read (macros/per_customer_incremental.sql). A customer whose fingerprint changed since a model last stored
-- it is recomputed there; everyone else's rows stay. Hashing costs scans and one join on order_id, not the
-- sorts the models themselves do.
with

clean_orders as (

    select
        order_id,
        customer_id,
        amount >= 0 as is_purchase,
        {{ row_hash([
            'order_id', 'customer_id', 'ordered_at', 'amount', 'status', 'currency', 'exchange_rate',
            'channel', 'campaign_id', 'source_file', 'source_row',
        ]) }} as order_hash
    from {{ ref('int_orders_classified') }}
    where outcome = 'clean'

),

-- the lines of each order as int_order_items_enriched reads them (numbered by source_file, source_row)
order_lines as (

    select
        order_id,
        {{ hash_total(row_hash([
            'product_id', 'quantity', 'unit_price', 'line_amount', 'source_file', 'source_row',
        ])) }} as lines_total
    from {{ ref('stg_shop__order_items') }}
    where quantity > 0 and line_amount is not null and product_id is not null
    group by order_id

),

-- the catalogue is shared by every customer's lines: when it changes, every customer with lines changes
catalogue as (

    select {{ hash_total(row_hash(['product_id', 'product_name', 'category', 'source_row'])) }} as catalogue_total
    from {{ ref('stg_shop__products') }}

),

per_customer as (

    select
        clean_orders.customer_id,
        {{ hash_total('clean_orders.order_hash') }} as orders_fingerprint,
        -- null for a customer none of whose purchases has lines
        {{ hash_total(
            'case when order_lines.order_id is not null then '
            ~ row_hash(['clean_orders.order_hash', 'order_lines.lines_total']) ~ ' end'
        ) }} as lines_fingerprint

    from clean_orders
    left join order_lines
        on clean_orders.is_purchase
            and clean_orders.order_id = order_lines.order_id
    group by clean_orders.customer_id

),

final as (

    select
        per_customer.customer_id,
        per_customer.orders_fingerprint,
        {{ dbt.concat(['per_customer.lines_fingerprint', "'-'", "coalesce(catalogue.catalogue_total, '')"]) }}
            as order_lines_fingerprint

    from per_customer
    cross join catalogue

)

select * from final
