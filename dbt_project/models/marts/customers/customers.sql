-- One row per customer as of as_of: their state at the as_of cutoff (int_customer_states), with channels,
-- favourite category, cadence median, country and frequency group.
with

states as (

    select * from {{ ref('int_customer_states') }}
    where is_as_of

),

channels as (

    select * from {{ ref('int_customer_channels_ranked') }}

),

categories as (

    select * from {{ ref('int_customer_categories_ranked') }}

),

-- units per purchase with order lines, over every month up to as_of (int_customer_item_months)
baskets as (

    select
        customer_id,
        {{ avg_basket_size('units', 'orders_with_items') }} as avg_basket_size

    from {{ ref('int_customer_item_months') }}
    group by customer_id

),

-- the median needs every gap, so it is taken here, once, at as_of
gap_medians as (

    select
        customer_id,
        {{ median('days_since_previous_purchase') }} as median_days_between_orders

    from {{ ref('int_orders_netted') }}
    where days_since_previous_purchase is not null
    group by customer_id

),

-- the customer file may list a customer twice: its last row wins; contact details are never selected
profiles as (

    select
        customer_id,
        country

    from (
        select
            customer_id,
            country,
            row_number() over (partition by customer_id order by source_row desc) as profile_rank
        from {{ ref('stg_shop__customers') }}
        where customer_id is not null
    ) as ranked_profiles
    where profile_rank = 1

),

revenue_ranked as (

    select
        *,
        -- share of customers with strictly more revenue: ties share a rank
        (rank() over (order by revenue desc) - 1) / cast(count(*) over () as {{ type_double() }}) as revenue_rank_share

    from states

),

grouped as (

    select
        *,
        case
            when order_count <= 1 then 'one_time'
            when orders_per_year >= {{ var('vip_min_orders_per_year') }}
                and revenue_rank_share < {{ var('vip_top_revenue_share') }} then 'vip'
            when orders_per_year >= {{ var('frequent_min_orders_per_year') }} then 'frequent'
            else 'loyal'
        end as frequency_group

    from revenue_ranked

),

final as (

    select
        cast(grouped.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(grouped.first_order_at as {{ dbt.type_timestamp() }}) as first_order_at,
        cast(grouped.last_order_at as {{ dbt.type_timestamp() }}) as last_order_at,
        cast(grouped.order_count as {{ dbt.type_bigint() }}) as order_count,
        cast(grouped.revenue as decimal(18, 2)) as revenue,
        {{ round_money('case when grouped.order_count > 0 then grouped.revenue / grouped.order_count end') }}
            as avg_order_value,
        cast(grouped.recency_days as {{ dbt.type_int() }}) as recency_days,
        cast(grouped.r_score as {{ dbt.type_int() }}) as r_score,
        cast(grouped.f_score as {{ dbt.type_int() }}) as f_score,
        cast(grouped.m_score as {{ dbt.type_int() }}) as m_score,
        cast(grouped.rfm_cell as {{ dbt.type_string() }}) as rfm_cell,
        cast(grouped.rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(grouped.lifecycle_state as {{ dbt.type_string() }}) as lifecycle_state,
        cast(grouped.frequency_group as {{ dbt.type_string() }}) as frequency_group,
        cast(grouped.expected_next_order_date as date) as expected_next_order_date,
        cast(baskets.avg_basket_size as {{ type_double() }}) as avg_basket_size,
        -- purchases on one day count as 0 days apart, so the mean is the span over the gaps between orders
        cast(case when grouped.order_count > 1 then
                {{ dbt.datediff('grouped.first_order_date', 'grouped.last_order_date', 'day') }}
                / (grouped.order_count - 1.0)
        end as {{ type_double() }}) as avg_days_between_orders,
        cast(gap_medians.median_days_between_orders as {{ type_double() }}) as median_days_between_orders,
        cast(grouped.tenure_days as {{ dbt.type_int() }}) as tenure_days,
        cast(categories.favourite_category as {{ dbt.type_string() }}) as favourite_category,
        cast(channels.main_channel as {{ dbt.type_string() }}) as main_channel,
        cast(channels.best_channel as {{ dbt.type_string() }}) as best_channel,
        cast(grouped.rfm_frequency as {{ dbt.type_bigint() }}) as rfm_frequency,
        cast(grouped.rfm_monetary as decimal(18, 2)) as rfm_monetary,
        cast(grouped.usual_gap_days as {{ type_double() }}) as usual_gap_days,
        cast(grouped.orders_per_year as {{ type_double() }}) as orders_per_year,
        cast(grouped.revenue_per_year as decimal(18, 2)) as revenue_per_year,
        cast(profiles.country as {{ dbt.type_string() }}) as country

    from grouped
    left join channels on grouped.customer_id = channels.customer_id
    left join categories on grouped.customer_id = categories.customer_id
    left join baskets on grouped.customer_id = baskets.customer_id
    left join gap_medians on grouped.customer_id = gap_medians.customer_id
    left join profiles on grouped.customer_id = profiles.customer_id

)

select * from final
