-- The customer's mix at each feature row's cutoff (ml_customer_features), long: per category their share of
-- spend and of purchases and the days since they last bought it; per channel the same. Only facts on or
-- before the cutoff. No category rows without order_items.
with

feature_rows as (

    select
        customer_id,
        cutoff_date
    from {{ ref('ml_customer_features') }}

),

category_days as (

    select
        customer_id,
        ordered_date,
        category as mix_value,
        sum(line_amount) as spend,
        count(distinct order_id) as purchases

    from {{ ref('int_order_items_enriched') }}
    group by customer_id, ordered_date, category

),

channel_days as (

    select
        customer_id,
        ordered_date,
        channel as mix_value,
        sum(amount) as spend,
        count(*) as purchases

    from {{ ref('int_orders_netted') }}
    where not is_refund
    group by customer_id, ordered_date, channel

),

mix_days as (

    select
        'category' as dimension,
        category_days.*
    from category_days

    union all

    select
        'channel' as dimension,
        channel_days.*
    from channel_days

),

per_value as (

    select
        feature_rows.customer_id,
        feature_rows.cutoff_date,
        mix_days.dimension,
        mix_days.mix_value,
        sum(mix_days.spend) as spend,
        sum(mix_days.purchases) as purchases,
        max(mix_days.ordered_date) as last_purchase_date

    from feature_rows
    inner join mix_days
        on feature_rows.customer_id = mix_days.customer_id
            and feature_rows.cutoff_date >= mix_days.ordered_date
    group by feature_rows.customer_id, feature_rows.cutoff_date, mix_days.dimension, mix_days.mix_value

),

-- totals per dimension by aggregation and join: cheaper than a window over every (customer, value) row
totals as (

    select
        customer_id,
        cutoff_date,
        dimension,
        sum(spend) as spend,
        sum(purchases) as purchases

    from per_value
    group by customer_id, cutoff_date, dimension

),

final as (

    select
        per_value.customer_id,
        per_value.cutoff_date,
        cast(per_value.dimension as {{ dbt.type_string() }}) as dimension,
        cast(per_value.mix_value as {{ dbt.type_string() }}) as value,  -- noqa: RF04
        {{ divide('per_value.spend', 'totals.spend') }} as spend_share,
        cast(per_value.purchases * 1.0 / totals.purchases as {{ type_double() }}) as order_share,
        cast(
            {{ dbt.datediff('per_value.last_purchase_date', 'per_value.cutoff_date', 'day') }}
            as {{ type_double() }}
        ) as days_since_last_purchase

    from per_value
    inner join totals
        on per_value.customer_id = totals.customer_id
            and per_value.cutoff_date = totals.cutoff_date
            and per_value.dimension = totals.dimension

)

select * from final
