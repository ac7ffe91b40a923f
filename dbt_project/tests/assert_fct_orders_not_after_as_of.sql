-- Nothing after as_of may be used: returns fct_orders rows placed later than int_run_context.as_of.
{{ config(meta={'dagster': {'ref': {'name': 'fct_orders'}}}) }}

with

orders as (

    select * from {{ ref('fct_orders') }}

),

run_context as (

    select as_of from {{ ref('int_run_context') }}

),

final as (

    select
        orders.order_id,
        orders.ordered_at,
        run_context.as_of

    from orders
    cross join run_context
    where orders.ordered_at > run_context.as_of

)

select * from final
