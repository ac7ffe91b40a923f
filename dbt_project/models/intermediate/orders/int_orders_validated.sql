-- One row per raw order row, with the first cleaning rule it breaks (null when it breaks none) and the
-- exchange rate that converts its amount to the reporting currency. Rule order: the seed quarantine_reasons.
-- A view: int_orders_classified stores every row with its outcome, so a table here would store them twice.
{{ config(materialized='view') }}

with

orders as (

    select * from {{ ref('stg_shop__orders') }}

),

exchange_rates as (

    select * from {{ ref('int_exchange_rates_by_order_date') }}

),

rated as (

    select
        orders.*,
        case
            when orders.currency = '{{ var("reporting_currency") }}' then 1
            else exchange_rates.rate_to_reporting
        end as exchange_rate

    from orders
    left join exchange_rates
        on orders.currency = exchange_rates.currency
            and cast(orders.ordered_at as date) = exchange_rates.ordered_date

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
            when exchange_rate is null then 'missing_exchange_rate'
            when status not in {{ sql_string_list(var('accepted_statuses')) }} then 'unknown_status'
        end as rejection_reason

    from rated

)

select * from validated
