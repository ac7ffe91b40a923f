with

source as (

    select * from {{ source('raw', 'communications') }}

),

renamed as (

    select
        {{ blank_to_null('customer_id') }} as customer_id,
        lower({{ blank_to_null('channel') }}) as channel,
        {{ blank_to_null('campaign_id') }} as campaign_id,
        {{ parse_timestamp_utc(blank_to_null('sent_at')) }} as sent_at

    from source

)

select * from renamed
