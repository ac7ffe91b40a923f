with

quarantined as (

    select * from {{ ref('int_orders_classified') }}
    where outcome = 'quarantined'

),

-- the texts as the shop sent them, for the quarantined rows only
raw_orders as (

    select
        source_file,
        source_row,
        ordered_at_raw,
        amount_raw,
        status_raw,
        currency_raw,
        channel_raw
    from {{ ref('stg_shop__orders') }}

),

reasons as (

    select
        reason,
        reason_kind
    from {{ ref('quarantine_reasons') }}

),

final as (

    select
        {{ dbt.concat([
            'quarantined.source_file', "':'", 'cast(quarantined.source_row as ' ~ dbt.type_string() ~ ')'
        ]) }} as quarantine_id,
        quarantined.source_file,
        quarantined.source_row,
        quarantined.reason,
        reasons.reason_kind,
        quarantined.order_id,
        quarantined.customer_id,
        raw_orders.ordered_at_raw,
        raw_orders.amount_raw,
        raw_orders.status_raw,
        raw_orders.currency_raw,
        raw_orders.channel_raw,
        quarantined.campaign_id

    from quarantined
    inner join raw_orders
        on quarantined.source_file = raw_orders.source_file
            and quarantined.source_row = raw_orders.source_row
    left join reasons on quarantined.reason = reasons.reason

)

select * from final
