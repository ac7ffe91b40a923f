with

quarantined as (

    select * from {{ ref('int_orders_classified') }}
    where outcome = 'quarantined'

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
        quarantined.ordered_at_raw,
        quarantined.amount_raw,
        quarantined.status_raw,
        quarantined.currency_raw,
        quarantined.channel_raw,
        quarantined.campaign_id

    from quarantined
    left join reasons on quarantined.reason = reasons.reason

)

select * from final
