-- noqa: disable=LT02,LT05
-- The feature table for predictions: one row per customer and cutoff, built only from facts on or before the
-- cutoff. Everyone at as_of (to score) and the training sample at the training cutoffs. It extends the one
-- customer state at a cutoff (int_customer_states) with recent windows, messages and web activity.
{%- set windows = [30, 90, 180, 365] %}
with

states as (

    select * from {{ ref('int_customer_states') }}

),

samples as (

    select * from {{ ref('int_training_samples') }}

),

item_months as (

    select * from {{ ref('int_customer_item_months') }}

),

feature_rows as (

    select
        states.*,
        false as is_scoring_cutoff

    from states
    inner join samples
        on states.customer_id = samples.customer_id
            and states.cutoff_date = samples.cutoff_date

    union all

    select
        states.*,
        true as is_scoring_cutoff

    from states
    where states.is_as_of

),

-- units per purchase with order lines, over the months up to the cutoff (int_customer_item_months)
baskets as (

    select
        feature_rows.customer_id,
        feature_rows.cutoff_date,
        {{ avg_basket_size('item_months.units', 'item_months.orders_with_items') }} as avg_basket_size

    from feature_rows
    inner join item_months
        on feature_rows.customer_id = item_months.customer_id
            and feature_rows.cutoff_date >= item_months.month_start
    group by feature_rows.customer_id, feature_rows.cutoff_date

),

activity as (

    select
        customer_id,
        activity_date,
        purchases,
        amount
    from {{ ref('int_customer_activity_days') }}

),

-- purchases and revenue in the last 30/90/180/365 days, and in the 90 days before the last 90
recent_orders as (

    select
        feature_rows.customer_id,
        feature_rows.cutoff_date,
        {%- for days in windows %}
        sum(case when activity.activity_date > {{ dbt.dateadd('day', -days, 'feature_rows.cutoff_date') }}
            then activity.purchases else 0 end) as orders_{{ days }}d,
        sum(case when activity.activity_date > {{ dbt.dateadd('day', -days, 'feature_rows.cutoff_date') }}
            then activity.amount else 0 end) as revenue_{{ days }}d,
        {%- endfor %}
        sum(case when activity.activity_date <= {{ dbt.dateadd('day', -90, 'feature_rows.cutoff_date') }}
            and activity.activity_date > {{ dbt.dateadd('day', -180, 'feature_rows.cutoff_date') }}
            then activity.amount else 0 end) as revenue_prior_90d,
        -- the coming 90 days as they were a year ago: annual and seasonal buyers come back around then
        sum(case when activity.activity_date <= {{ dbt.dateadd('day', -275, 'feature_rows.cutoff_date') }}
            then activity.purchases else 0 end) as orders_next_90d_last_year

    {{ trailing_window('activity', 'activity_date', 365) }}

),

message_days as (

    select
        customer_id,
        cast(sent_at as date) as sent_date,
        count(*) as messages

    from {{ ref('int_communications_sent') }}
    group by customer_id, cast(sent_at as date)

),

messages as (

    select
        feature_rows.customer_id,
        feature_rows.cutoff_date,
        sum(case when message_days.sent_date > {{ dbt.dateadd('day', -30, 'feature_rows.cutoff_date') }}
            then message_days.messages else 0 end) as messages_received_30d,
        sum(message_days.messages) as messages_received_90d

    {{ trailing_window('message_days', 'sent_date', 90) }}

),

-- purchases a message assisted (int_orders_attributed), per customer and day
response_days as (

    select
        customer_id,
        ordered_date,
        count(*) as responses

    from {{ ref('int_orders_attributed') }}
    where not is_refund
    group by customer_id, ordered_date

),

responses as (

    select
        feature_rows.customer_id,
        feature_rows.cutoff_date,
        sum(response_days.responses) as messages_responded_90d

    {{ trailing_window('response_days', 'ordered_date', 90) }}

),

web_days as (

    select
        customer_id,
        cast(event_at as date) as event_date,
        count(*) as events,
        sum(case when event_type = 'add_to_cart' then 1 else 0 end) as add_to_carts,
        sum(case when event_type = 'checkout' then 1 else 0 end) as checkouts

    from {{ ref('stg_shop__web_events') }}
    where customer_id is not null and event_at is not null
    group by customer_id, cast(event_at as date)

),

web as (

    select
        feature_rows.customer_id,
        feature_rows.cutoff_date,
        sum(case when web_days.event_date > {{ dbt.dateadd('day', -7, 'feature_rows.cutoff_date') }}
            then web_days.events else 0 end) as web_events_7d,
        sum(case when web_days.event_date > {{ dbt.dateadd('day', -30, 'feature_rows.cutoff_date') }}
            then web_days.events else 0 end) as web_events_30d,
        sum(web_days.events) as web_events_90d,
        sum(case when web_days.event_date > {{ dbt.dateadd('day', -30, 'feature_rows.cutoff_date') }}
            then web_days.add_to_carts else 0 end) as web_add_to_cart_30d,
        sum(case when web_days.event_date > {{ dbt.dateadd('day', -30, 'feature_rows.cutoff_date') }}
            then web_days.checkouts else 0 end) as web_checkouts_30d

    {{ trailing_window('web_days', 'event_date', 90) }}

),

final as (

    select
        feature_rows.customer_id,
        feature_rows.cutoff_date,
        feature_rows.is_scoring_cutoff,
        cast(feature_rows.recency_days as {{ type_double() }}) as recency_days,
        cast(feature_rows.tenure_days as {{ type_double() }}) as tenure_days,
        cast(feature_rows.order_count as {{ type_double() }}) as order_count,
        cast(feature_rows.revenue as {{ type_double() }}) as revenue,
        {%- for days in windows %}
        cast(coalesce(recent_orders.orders_{{ days }}d, 0) as {{ type_double() }}) as orders_{{ days }}d,
        cast(coalesce(recent_orders.revenue_{{ days }}d, 0) as {{ type_double() }}) as revenue_{{ days }}d,
        {%- endfor %}
        -- spend in the last 90 days minus the 90 days before: positive when spending more
        cast(coalesce(recent_orders.revenue_90d, 0) - coalesce(recent_orders.revenue_prior_90d, 0)
            as {{ type_double() }}) as spend_trend,
        cast(coalesce(recent_orders.orders_next_90d_last_year, 0) as {{ type_double() }})
            as orders_next_90d_last_year,
        -- time of year: the cutoff's month, and the month the customer first bought in (a first order in
        -- the Q4 rush returns less often than one in March)
        cast(extract(month from feature_rows.cutoff_date) as {{ type_double() }}) as cutoff_month,
        cast(extract(month from {{ dbt.dateadd('day', '-feature_rows.tenure_days', 'feature_rows.cutoff_date') }})
            as {{ type_double() }}) as first_order_month,
        feature_rows.own_gap_days as gap_mean_days,
        feature_rows.gap_std_days,
        cast(feature_rows.last_gap_days as {{ type_double() }}) as last_gap_days,
        feature_rows.usual_gap_days,
        feature_rows.recency_days / nullif(feature_rows.usual_gap_days, 0) as recency_to_usual_gap,
        feature_rows.avg_order_value,
        cast(baskets.avg_basket_size as {{ type_double() }}) as avg_basket_size,
        cast(feature_rows.orders_per_year as {{ type_double() }}) as orders_per_year,
        cast(coalesce(messages.messages_received_30d, 0) as {{ type_double() }}) as messages_received_30d,
        cast(coalesce(messages.messages_received_90d, 0) as {{ type_double() }}) as messages_received_90d,
        cast(coalesce(responses.messages_responded_90d, 0) as {{ type_double() }}) as messages_responded_90d,
        cast(coalesce(web.web_events_7d, 0) as {{ type_double() }}) as web_events_7d,
        cast(coalesce(web.web_events_30d, 0) as {{ type_double() }}) as web_events_30d,
        cast(coalesce(web.web_events_90d, 0) as {{ type_double() }}) as web_events_90d,
        cast(coalesce(web.web_add_to_cart_30d, 0) as {{ type_double() }}) as web_add_to_cart_30d,
        cast(coalesce(web.web_checkouts_30d, 0) as {{ type_double() }}) as web_checkouts_30d,
        cast(feature_rows.r_score as {{ type_double() }}) as r_score,
        cast(feature_rows.f_score as {{ type_double() }}) as f_score,
        cast(feature_rows.m_score as {{ type_double() }}) as m_score,
        feature_rows.lifecycle_state

    from feature_rows
    left join recent_orders
        on feature_rows.customer_id = recent_orders.customer_id
            and feature_rows.cutoff_date = recent_orders.cutoff_date
    left join messages
        on feature_rows.customer_id = messages.customer_id
            and feature_rows.cutoff_date = messages.cutoff_date
    left join responses
        on feature_rows.customer_id = responses.customer_id
            and feature_rows.cutoff_date = responses.cutoff_date
    left join web
        on feature_rows.customer_id = web.customer_id
            and feature_rows.cutoff_date = web.cutoff_date
    left join baskets
        on feature_rows.customer_id = baskets.customer_id
            and feature_rows.cutoff_date = baskets.cutoff_date

)

select * from final
