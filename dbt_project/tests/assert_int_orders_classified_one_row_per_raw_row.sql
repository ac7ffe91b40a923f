-- Classification never fans out or drops a raw row: (source_file, source_row) stays unique.
{{ config(tags=['code_check']) }}
select
    source_file,
    source_row,
    count(*) as row_count

from {{ ref('int_orders_classified') }}
group by source_file, source_row
having count(*) > 1
