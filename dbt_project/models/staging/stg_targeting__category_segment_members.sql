with

source as (

    select * from {{ source('targeting', 'category_segment_members') }}

),

renamed as (

    select
        customer_id,
        category,
        segment_rank

    from source

)

select * from renamed
