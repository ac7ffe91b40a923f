-- One row per raw order row, with the first cleaning rule it breaks (null when it breaks none).
with

orders as (

    select * from {{ ref('stg_shop__orders') }}

),

validated as (

    select
        *,
        case
            when order_id is null then 'missing_order_id'
            when customer_id is null then 'missing_customer_id'
            when ordered_at_raw is null then 'missing_timestamp'
            when ordered_at is null then 'unparseable_timestamp'
            when ordered_at > {{ pulse_now() }} then 'future_timestamp'
            when amount_raw is null then 'missing_amount'
            when amount is null then 'non_numeric_amount'
            when currency not in {{ sql_string_list(var('accepted_currencies')) }} then 'unknown_currency'
            when status not in {{ sql_string_list(var('accepted_statuses')) }} then 'unknown_status'
        end as rejection_reason

    from orders

)

select * from validated
