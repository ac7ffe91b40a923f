with

source as (

    select * from {{ source('targeting', 'category_segments') }}

),

renamed as (

    select
        category,
        segment_rank,
        rule

    from source

)

select * from renamed
