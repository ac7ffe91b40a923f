-- The month-end snapshot at as_of uses the same definitions as customers: same customers, cells and states.
{{ config(meta={'dagster': {'ref': {'name': 'int_customer_month_end_snapshots'}}}) }}
with

customers as (

    select
        customer_id,
        rfm_cell,
        rfm_segment,
        lifecycle_state
    from {{ ref('customers') }}

),

last_snapshot as (

    select
        customer_id,
        rfm_cell,
        rfm_segment,
        lifecycle_state
    from {{ ref('int_customer_month_end_snapshots') }}
    where month_end = (select as_of_date from {{ ref('int_run_context') }})

)

select
    coalesce(customers.customer_id, last_snapshot.customer_id) as customer_id,
    customers.rfm_cell,
    last_snapshot.rfm_cell as snapshot_rfm_cell,
    customers.lifecycle_state,
    last_snapshot.lifecycle_state as snapshot_lifecycle_state

from customers
full outer join last_snapshot on customers.customer_id = last_snapshot.customer_id
where customers.customer_id is null
    or last_snapshot.customer_id is null
    or customers.rfm_cell <> last_snapshot.rfm_cell
    or customers.rfm_segment <> last_snapshot.rfm_segment
    or customers.lifecycle_state <> last_snapshot.lifecycle_state
