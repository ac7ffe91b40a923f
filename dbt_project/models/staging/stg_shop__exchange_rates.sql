with

source as (

    select * from {{ source('raw', 'exchange_rates') }}

),

renamed as (

    select
        cast({{ parse_timestamp_utc(blank_to_null('date')) }} as date) as rate_date,
        upper({{ blank_to_null('currency') }}) as currency,
        {{ try_cast(blank_to_null('rate_to_reporting'), 'decimal(18, 8)') }} as rate_to_reporting,
        _source_file as source_file,
        _source_row as source_row

    from source

)

select * from renamed
