-- Each raw order row is one staging row: (source_file, source_row) is unique. Returns repeated pairs.
select
    source_file,
    source_row,
    count(*) as row_count

from {{ ref('stg_shop__orders') }}
group by source_file, source_row
having count(*) > 1
