-- Only a cancelled order is `excluded`; every other reason is bad data (`invalid`).
select
    quarantine_id,
    reason,
    reason_kind

from {{ ref('quarantined_orders') }}
where (reason = 'cancelled') != (reason_kind = 'excluded')
