-- The members SQL needs (no hashed contacts: segment details only count and describe members).
with

source as (

    select * from {{ source('targeting', 'audience_members') }}

),

renamed as (

    select
        audience,
        channel,
        customer_id,
        is_control

    from source

)

select * from renamed
