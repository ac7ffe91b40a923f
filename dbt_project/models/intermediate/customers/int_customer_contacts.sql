-- One row per customer in the customers file with their contact details and consents (its last row wins).
-- Read only by the audience export, which hashes e-mails and phones before anything leaves the warehouse.
with

customers as (

    select * from {{ ref('stg_shop__customers') }}
    where customer_id is not null

),

latest as (

    select
        customer_id,
        email,
        phone,
        country,
        email_opt_in,
        sms_opt_in,
        row_number() over (partition by customer_id order by source_row desc) as profile_rank

    from customers

),

final as (

    select
        customer_id,
        email,
        phone,
        country,
        email_opt_in,
        sms_opt_in

    from latest
    where profile_rank = 1

)

select * from final
