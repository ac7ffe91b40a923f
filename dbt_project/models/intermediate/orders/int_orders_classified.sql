-- Every raw order row placed in exactly one outcome: clean, quarantined, after_as_of or duplicate.
-- fct_orders, quarantined_orders and order_reconciliation all read this one definition. The raw texts stay
-- in staging (quarantined_orders reads them for its few rows): storing them here would double this table.
-- a valid row later than as_of: placed flags it, eligible leaves it out of versioning
{%- set is_after_as_of = 'validated.rejection_reason is null and validated.ordered_at > run_context.as_of' %}

with

validated as (

    select
        order_id,
        customer_id,
        ordered_at,
        amount,
        status,
        currency,
        exchange_rate,
        channel,
        campaign_id,
        source_file,
        source_row,
        rejection_reason
    from {{ ref('int_orders_validated') }}

),

-- as_of is resolved here, by the macro int_run_context uses on the same rows (it reads them back from this
-- table): reading the validation view a second time for its latest valid row would parse every raw row again
latest as (

    select {{ latest_valid_ordered_at() }} as latest_ordered_at
    from validated

),

run_context as (

    select {{ resolve_as_of('latest_ordered_at') }} as as_of
    from latest

),

placed as (

    select
        validated.*,
        {{ is_after_as_of }} as is_after_as_of

    from validated
    cross join run_context

),

eligible as (

    select
        validated.order_id,
        validated.source_file,
        validated.source_row

    from validated
    cross join run_context
    where validated.rejection_reason is null and not ({{ is_after_as_of }})

),

-- orders sent more than once (re-sent, corrected): only these need ranking. A hash aggregate finds them;
-- ranking every row instead sorted all orders by a random text key (the dearest step at 10 M orders)
resent as (

    select order_id
    from eligible
    group by order_id
    having count(*) > 1

),

-- the last row sent for an order (latest file, then latest row) is its latest version
versions as (

    select
        eligible.source_file,
        eligible.source_row,
        row_number() over (
            partition by eligible.order_id order by eligible.source_file desc, eligible.source_row desc
        ) as version_rank

    from eligible
    where eligible.order_id in (select resent.order_id from resent)

),

classified as (

    select
        placed.*,
        -- every eligible row has a rank: 1 unless its order was sent again later
        case
            when placed.rejection_reason is null and not placed.is_after_as_of
                then coalesce(versions.version_rank, 1)
        end as version_rank,
        case
            when placed.rejection_reason is not null then 'quarantined'
            when placed.is_after_as_of then 'after_as_of'
            when versions.version_rank > 1 then 'duplicate'
            when placed.status = 'cancelled' then 'quarantined'
            else 'clean'
        end as outcome,
        case
            when placed.rejection_reason is not null then placed.rejection_reason
            when placed.is_after_as_of or versions.version_rank > 1 then null
            when placed.status = 'cancelled' then 'cancelled'
        end as reason

    from placed
    left join versions
        on placed.source_file = versions.source_file
            and placed.source_row = versions.source_row

)

select * from classified
