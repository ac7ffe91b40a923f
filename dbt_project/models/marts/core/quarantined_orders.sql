with

quarantined as (

    select * from {{ ref('int_orders_classified') }}
    where outcome = 'quarantined'

),

final as (

    select
        {{ dbt.concat(['source_file', "':'", 'cast(source_row as ' ~ dbt.type_string() ~ ')']) }}
            as quarantine_id,
        source_file,
        source_row,
        reason,
        case when rejection_reason is null then 'excluded' else 'invalid' end as reason_kind,
        order_id,
        customer_id,
        ordered_at_raw,
        amount_raw,
        status_raw,
        currency_raw,
        channel_raw,
        campaign_id

    from quarantined

)

select * from final
