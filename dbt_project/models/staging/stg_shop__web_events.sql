with

source as (

    select * from {{ source('raw', 'web_events') }}

),

renamed as (

    select
        {{ blank_to_null('customer_id') }} as customer_id,
        {{ parse_timestamp_utc(blank_to_null('event_at')) }} as event_at,
        lower({{ blank_to_null('event_type') }}) as event_type,
        {{ blank_to_null('product_id') }} as product_id

    from source

)

select * from renamed
