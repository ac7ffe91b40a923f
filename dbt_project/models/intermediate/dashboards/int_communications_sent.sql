-- Messages sent to a known customer at or before as_of, each with the end of its attribution window
-- (sent_at + attribution_window_days, exclusive). Empty without a communications file.
with

communications as (

    select
        customer_id,
        channel,
        campaign_id,
        sent_at
    from {{ ref('stg_shop__communications') }}

),

run_context as (

    select as_of from {{ ref('int_run_context') }}

),

final as (

    select
        communications.customer_id,
        communications.channel,
        communications.campaign_id,
        communications.sent_at,
        {{ dbt.dateadd('day', var('attribution_window_days'), 'communications.sent_at') }} as window_ends_at

    from communications
    cross join run_context
    where
        communications.customer_id is not null
        and communications.sent_at is not null
        and communications.sent_at <= run_context.as_of

)

select * from final
