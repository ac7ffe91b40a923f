with

source as (

    select * from {{ source('raw', 'orders') }}

),

renamed as (

    select
        {{ blank_to_null('order_id') }} as order_id,
        {{ blank_to_null('customer_id') }} as customer_id,
        {{ blank_to_null('ordered_at') }} as ordered_at_raw,
        {{ parse_timestamp_utc(blank_to_null('ordered_at')) }} as ordered_at,
        {{ blank_to_null('amount') }} as amount_raw,
        {{ parse_money(blank_to_null('amount')) }} as amount,
        {{ blank_to_null('status') }} as status_raw,
        coalesce(lower({{ blank_to_null('status') }}), 'completed') as status,
        {{ blank_to_null('currency') }} as currency_raw,
        coalesce(upper({{ blank_to_null('currency') }}), '{{ var("default_currency") }}') as currency,
        {{ blank_to_null('channel') }} as channel_raw,
        -- the shop's own label, trimmed: slugs are made only where a name must be an identifier
        coalesce({{ blank_to_null('channel') }}, 'unknown') as channel,
        {{ blank_to_null('campaign_id') }} as campaign_id,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
