-- Contact details stay in the warehouse: no mart selects email or phone (audiences hash them).
with

source as (

    select * from {{ source('raw', 'customers') }}

),

renamed as (

    select
        {{ blank_to_null('customer_id') }} as customer_id,
        lower({{ blank_to_null('email') }}) as email,
        {{ blank_to_null('phone') }} as phone,
        {{ parse_timestamp_utc(blank_to_null('created_at')) }} as created_at,
        upper({{ blank_to_null('country') }}) as country,
        coalesce({{ parse_flag('email_opt_in') }}, false) as email_opt_in,
        coalesce({{ parse_flag('sms_opt_in') }}, false) as sms_opt_in,
        _source_row as source_row

    from source

)

select * from renamed
