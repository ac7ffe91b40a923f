-- Refund netting holds on every row: amount = gross - refunded, refund transactions are exactly the
-- negative amounts, and a refunded order nets to zero. Returns the rows that break it.
select
    order_id,
    status,
    is_refund,
    amount,
    gross_amount,
    refunded_amount

from {{ ref('fct_orders') }}
where
    amount != gross_amount - refunded_amount
    or gross_amount < 0
    or refunded_amount < 0
    or is_refund != (amount < 0)
    or (status = 'refunded' and not is_refund and amount != 0)
