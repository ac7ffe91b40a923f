-- int_orders_classified resolves as_of itself (resolve_as_of, on the rows int_run_context reads back from it):
-- returns the rows whose is_after_as_of disagrees with int_run_context.as_of, the one every other model reads.
{{ config(meta={'dagster': {'ref': {'name': 'int_orders_classified'}}}) }}

with

classified as (

    select * from {{ ref('int_orders_classified') }}

),

run_context as (

    select as_of from {{ ref('int_run_context') }}

),

final as (

    select
        classified.source_file,
        classified.source_row,
        classified.is_after_as_of,
        run_context.as_of

    from classified
    cross join run_context
    where
        classified.is_after_as_of
        != (classified.rejection_reason is null and classified.ordered_at > run_context.as_of)

)

select * from final
