-- noqa: disable=LT02,LT05
-- The feature table for predictions: one row per customer and cutoff, built only from facts on or before the
-- cutoff. Everyone at as_of (to score) and the training sample at the training cutoffs. It extends the one
-- customer state at a cutoff (int_customer_states) with recent windows, messages and web activity.
{%- set windows = [30, 90, 180, 365] %}
with

samples as (

    select * from {{ ref('int_training_samples') }}

),

item_months as (

    select * from {{ ref('int_customer_item_months') }}

),

-- the sampled training rows and every as_of row, in one scan of int_customer_states (every customer at
-- every cutoff): reading it twice made DuckDB materialise all of it first (57 M rows at 10 M orders: 29 s, not 12).
-- Training cutoffs are never as_of (int_training_cutoffs), so a row is one or the other.
feature_rows as (

    select
        states.*,
        states.is_as_of as is_scoring_cutoff

    from {{ ref('int_customer_states') }} as states
    left join samples
        on states.customer_id = samples.customer_id
            and states.cutoff_date = samples.cutoff_date
    where states.is_as_of or samples.customer_id is not null

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
            then activity.purchases else 0 end) as orders_next_90d_last_year,
        sum(case when activity.activity_date <= {{ dbt.dateadd('day', -335, 'feature_rows.cutoff_date') }}
            then activity.purchases else 0 end) as orders_next_30d_last_year

    {{ trailing_window('activity', 'activity_date', 365) }}

),

-- the first and the last purchase day (equi-joins on the two dates): what a customer first spent says much
-- about whether they come back, and the last order against their average says where their spend is heading
purchase_days as (

    select
        customer_id,
        activity_date,
        amount
    from {{ ref('int_customer_activity_days') }}
    where is_purchase_day

),

first_and_last as (

    select
        feature_rows.customer_id,
        feature_rows.cutoff_date,
        max(case when purchase_days.activity_date = feature_rows.first_order_date then purchase_days.amount end)
            as first_order_value,
        max(case when purchase_days.activity_date = feature_rows.last_order_date then purchase_days.amount end)
            as last_order_value

    from feature_rows
    inner join purchase_days
        on feature_rows.customer_id = purchase_days.customer_id
            and (
                feature_rows.first_order_date = purchase_days.activity_date
                or feature_rows.last_order_date = purchase_days.activity_date
            )
    group by feature_rows.customer_id, feature_rows.cutoff_date

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
        sum(case when message_days.sent_date > {{ dbt.dateadd('day', -90, 'feature_rows.cutoff_date') }}
            then message_days.messages else 0 end) as messages_received_90d,
        -- over a whole year too: a quarter of a shop's customers may answer most of its e-mails and the
        -- rest none, which 90 days of two or three messages cannot tell apart
        sum(message_days.messages) as messages_received_365d

    {{ trailing_window('message_days', 'sent_date', 365) }}

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
        sum(case when response_days.ordered_date > {{ dbt.dateadd('day', -90, 'feature_rows.cutoff_date') }}
            then response_days.responses else 0 end) as messages_responded_90d,
        sum(response_days.responses) as messages_responded_365d

    {{ trailing_window('response_days', 'ordered_date', 365) }}

),

-- purchases the shop tagged with a campaign (orders.campaign_id), with or without a messages file
campaign_days as (

    select
        customer_id,
        ordered_date,
        count(*) as campaign_orders

    from {{ ref('int_orders_netted') }}
    where not is_refund and campaign_id is not null
    group by customer_id, ordered_date

),

campaigns_year as (

    select
        feature_rows.customer_id,
        feature_rows.cutoff_date,
        sum(campaign_days.campaign_orders) as campaign_orders_365d

    {{ trailing_window('campaign_days', 'ordered_date', 365) }}

),

-- an event whose time does not parse has a null date, which the trailing window's join drops: filtering it here
-- as well made DuckDB parse every timestamp twice, in the filter and in the output (9 s of 30 at 42 M events)
web_days as (

    select
        customer_id,
        cast(event_at as date) as event_date,
        count(*) as events,
        sum(case when event_type = 'add_to_cart' then 1 else 0 end) as add_to_carts,
        sum(case when event_type = 'checkout' then 1 else 0 end) as checkouts

    from {{ ref('stg_shop__web_events') }}
    where customer_id is not null
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
        cast(coalesce(recent_orders.orders_next_30d_last_year, 0) as {{ type_double() }})
            as orders_next_30d_last_year,
        cast(first_and_last.first_order_value as {{ type_double() }}) as first_order_value,
        cast(first_and_last.last_order_value as {{ type_double() }}) as last_order_value,
        -- the last order against the customer's average: above 1 when their orders are growing
        cast(first_and_last.last_order_value / nullif(feature_rows.avg_order_value, 0) as {{ type_double() }})
            as last_to_avg_order_value,
        -- time of year: the cutoff's month, and the days to the next anniversary of the first and of the last
        -- order (annual and seasonal buyers come back around them). Relative to the cutoff on purpose: the
        -- calendar month of the first order, learnt at other cutoffs' months, cost 0.07 of held-out churn AUC
        cast(extract(month from feature_rows.cutoff_date) as {{ type_double() }}) as cutoff_month,
        cast((365 - feature_rows.tenure_days % 365) % 365 as {{ type_double() }}) as days_to_first_order_anniversary,
        cast((365 - feature_rows.recency_days % 365) % 365 as {{ type_double() }}) as days_to_last_order_anniversary,
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
        cast(coalesce(messages.messages_received_365d, 0) as {{ type_double() }}) as messages_received_365d,
        -- purchases tagged with a campaign in the year, and their share of the year's purchases: campaign
        -- responders look like any occasional buyer to a recency x frequency rule
        cast(coalesce(campaigns_year.campaign_orders_365d, 0) as {{ type_double() }}) as campaign_orders_365d,
        cast(coalesce(campaigns_year.campaign_orders_365d, 0) * 1.0 / nullif(recent_orders.orders_365d, 0)
            as {{ type_double() }}) as campaign_order_share_365d,
        -- share of the year's messages followed by a purchase: null when none was sent
        cast(coalesce(responses.messages_responded_365d, 0) * 1.0
            / nullif(messages.messages_received_365d, 0) as {{ type_double() }}) as message_response_rate_365d,
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
    left join first_and_last
        on feature_rows.customer_id = first_and_last.customer_id
            and feature_rows.cutoff_date = first_and_last.cutoff_date
    left join campaigns_year
        on feature_rows.customer_id = campaigns_year.customer_id
            and feature_rows.cutoff_date = campaigns_year.cutoff_date

)

select * from final
