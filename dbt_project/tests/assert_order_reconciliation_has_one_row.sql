-- order_reconciliation (and the run context it reports) is exactly one row. Returns the count when not.
{{ config(meta={'dagster': {'ref': {'name': 'order_reconciliation'}}}) }}

select count(*) as row_count
from {{ ref('order_reconciliation') }}
having count(*) != 1
