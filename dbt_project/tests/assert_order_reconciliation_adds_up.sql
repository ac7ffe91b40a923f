-- raw rows = clean + quarantined + duplicates collapsed + rows after as_of, and quarantined = invalid +
-- excluded. Returns the row when not.
{{ config(meta={'dagster': {'ref': {'name': 'order_reconciliation'}}}) }}

select *
from {{ ref('order_reconciliation') }}
where
    raw_rows != clean_rows + quarantined_rows + duplicates_collapsed + after_as_of_rows
    or quarantined_rows != invalid_rows + excluded_rows
