-- noqa: disable=LT02,LT05
-- (LT02: sqlfluff counts the jinja loops' whitespace as indentation)
-- The stored half of customer state at a cutoff (int_customer_states adds what follows from these columns):
-- one row per customer and cutoff (int_cutoff_dates) from the customer's first month on, using only facts on
-- or before the cutoff. Order counts, revenue, first and last purchase, the gaps' mean and spread, and RFM
-- (window values and scores). Only these are stored: at 10 M orders it holds 57 M rows, and storing the
-- columns derived from them as well (segment, state, rates: 12 more) took 48.6 s against 25.8 s.
--
-- Set-based in one pass: daily activity is summed per month, and each day also leaves the RFM window on
-- day + rfm_window_days, so running sums over the months in which something changes give every cutoff's
-- window without joining each order to every cutoff; RFM scores are counted per distinct value.
-- Incremental per cutoff (macros/per_cutoff_incremental.sql): a run rebuilds only the cutoffs whose inputs
-- changed (as_of's, and the months a late or corrected order falls before); closed months stay.
{{ per_cutoff_incremental() }}
-- RFM scores rank the customers with a purchase in the window (the others score 1): one condition, used
-- where the score inputs are chosen, where they are counted, and where scores join back
{%- set in_rfm_window = 'rfm_frequency > 0' %}

with

activity as (

    select * from {{ ref('int_customer_activity_days') }}

),

-- the same days imported a second time for window_exits: DuckDB stores a CTE that two parts of a query
-- read, which for a plain scan of 8 M rows only costs time
leaving_activity as (

    select
        customer_id,
        activity_date,
        purchases,
        amount
    from {{ ref('int_customer_activity_days') }}

),

-- every cutoff: a day leaving the RFM window is counted in the month it leaves, whichever cutoffs are rebuilt
cutoffs as (

    select * from {{ ref('int_cutoff_dates') }}

),

-- the cutoffs this build writes rows for
built_cutoffs as (

    {{ cutoffs_to_rebuild() }}

),

monthly_activity as (

    select
        customer_id,
        activity_month as month_start,
        sum(purchases) as purchases,
        sum(amount) as amount,
        sum(case when is_purchase_day then 1 else 0 end) as purchase_days,
        min(case when is_purchase_day then activity_date end) as first_purchase_date,
        min(first_purchase_at) as first_purchase_at,
        max(last_purchase_at) as last_purchase_at,
        sum(gap_days) as gap_days_sum,
        sum(gap_days * gap_days) as gap_days_squared_sum,
        -- the month's last purchase day and its gap in one number, so a running max carries both (a
        -- running "last non-null value" costs twice as much); 99999 stands for "no gap yet"
        max(case when is_purchase_day then
                {{ dbt.datediff("cast('1970-01-01' as date)", 'activity_date', 'day') }} * 100000
                + coalesce(gap_days, 99999)
        end) as last_purchase_key

    from activity
    group by customer_id, activity_month

),

-- a day leaves the window of every cutoff on or after day + rfm_window_days; exits after as_of never count
window_exits as (

    select
        leaving_activity.customer_id,
        cutoffs.month_start,
        sum(leaving_activity.purchases) as purchases,
        sum(leaving_activity.amount) as amount

    from leaving_activity
    inner join cutoffs
        on cutoffs.month_start = cast({{ dbt.date_trunc('month', dbt.dateadd('day', var('rfm_window_days'), 'leaving_activity.activity_date')) }} as date)
            and cutoffs.cutoff_date >= cast({{ dbt.dateadd('day', var('rfm_window_days'), 'leaving_activity.activity_date') }} as date)
    group by leaving_activity.customer_id, cutoffs.month_start

),

-- the months in which something changes for a customer: a purchase or refund, or a day leaving the window
event_months as (

    select
        customer_id,
        month_start
    from monthly_activity

    union

    select
        customer_id,
        month_start
    from window_exits

),

-- running totals per customer over their event months only (far fewer rows than one per cutoff)
running_events as (

    select
        event_months.customer_id,
        event_months.month_start,
        coalesce(
            lead(event_months.month_start) over (
                partition by event_months.customer_id order by event_months.month_start
            ),
            cast('9999-12-01' as date)
        ) as next_event_month,
        sum(coalesce(monthly_activity.purchases, 0)) over customer_months as order_count,
        sum(coalesce(monthly_activity.amount, 0)) over customer_months as revenue,
        sum(coalesce(monthly_activity.purchase_days, 0)) over customer_months as order_days,
        sum(coalesce(monthly_activity.purchases, 0) - coalesce(window_exits.purchases, 0)) over customer_months
            as rfm_frequency,
        sum(coalesce(monthly_activity.amount, 0) - coalesce(window_exits.amount, 0)) over customer_months
            as rfm_monetary,
        max(monthly_activity.last_purchase_key) over customer_months as last_purchase_key,
        max(monthly_activity.last_purchase_at) over customer_months as last_order_at,
        min(monthly_activity.first_purchase_date) over whole_customer as first_purchase_date,
        min(monthly_activity.first_purchase_at) over whole_customer as first_purchase_at,
        sum(monthly_activity.gap_days_sum) over customer_months as gap_days_sum,
        sum(monthly_activity.gap_days_squared_sum) over customer_months as gap_days_squared_sum

    from event_months
    left join monthly_activity
        on event_months.customer_id = monthly_activity.customer_id
            and event_months.month_start = monthly_activity.month_start
    left join window_exits
        on event_months.customer_id = window_exits.customer_id
            and event_months.month_start = window_exits.month_start
    window
        customer_months as (
            partition by event_months.customer_id
            order by event_months.month_start
            rows between unbounded preceding and current row
        ),
        whole_customer as (partition by event_months.customer_id)

),

-- the last purchase day and its gap, unpacked once per event row rather than once per cutoff
decoded as (

    select
        running_events.*,
        cast({{ dbt.dateadd('day', 'cast(floor(running_events.last_purchase_key / 100000) as ' ~ dbt.type_int() ~ ')', "cast('1970-01-01' as date)") }} as date)
            as last_order_date,
        case when running_events.last_purchase_key % 100000 != 99999 then running_events.last_purchase_key % 100000 end
            as last_gap_days

    from running_events

),

-- every cutoff from the customer's first month on takes the totals of their latest event month on or
-- before it (the first event month is the first month with orders)
running as (

    select
        decoded.customer_id,
        built_cutoffs.month_start,
        built_cutoffs.cutoff_date,
        built_cutoffs.is_as_of,
        built_cutoffs.cutoff_fingerprint,
        -- the first purchase counts from its cutoff on (before it the customer had only refunds)
        case
            when decoded.first_purchase_date <= built_cutoffs.cutoff_date
                then decoded.first_purchase_date
        end as first_order_date,
        case
            when decoded.first_purchase_date <= built_cutoffs.cutoff_date
                then decoded.first_purchase_at
        end as first_order_at,
        decoded.order_count,
        decoded.revenue,
        decoded.order_days,
        decoded.rfm_frequency,
        decoded.rfm_monetary,
        decoded.last_order_at,
        decoded.last_order_date,
        decoded.last_gap_days,
        decoded.gap_days_sum,
        decoded.gap_days_squared_sum

    from decoded
    inner join built_cutoffs
        on decoded.month_start <= built_cutoffs.month_start
            and decoded.next_event_month > built_cutoffs.month_start

),

measured as (

    select
        running.*,
        case when running.order_days > 0 then running.order_days - 1 end as gaps,
        case when running.order_days > 1 then running.gap_days_sum / (running.order_days - 1.0) end
            as own_gap_days,
        -- computed again here (not stored): the R score joins on the recency int_customer_states publishes
        {{ rfm_recency_days('running.last_order_date', 'running.cutoff_date') }} as recency_days

    from running

),

gapped as (

    select
        *,
        case when gaps > 0 then sqrt(greatest(
            gap_days_squared_sum / gaps - (gap_days_sum / gaps) * (gap_days_sum / gaps), 0
        )) end as gap_std_days

    from measured

),

-- the values RFM scores rank, expanded to the cutoffs a second time but narrow: scoring from the wide rows
-- would have the database hold all of them (four parts of the query read them) and spill to disk
score_inputs as (

    select
        built_cutoffs.cutoff_date,
        {{ rfm_recency_days('decoded.last_order_date', 'built_cutoffs.cutoff_date') }} as recency_days,
        decoded.rfm_frequency,
        decoded.rfm_monetary

    from decoded
    inner join built_cutoffs
        on decoded.month_start <= built_cutoffs.month_start
            and decoded.next_event_month > built_cutoffs.month_start
    where decoded.{{ in_rfm_window }}

),

-- RFM quintiles (macros/rfm.sql) among the customers of each cutoff with a purchase in the window: counted
-- per distinct value, so scoring sorts the few distinct values instead of every customer row
{% for measure, higher_is_better in [('recency_days', false), ('rfm_frequency', true), ('rfm_monetary', true)] %}
{{ measure }}_scores as (

    {{ rfm_value_scores(measure, 'score_inputs', 'cutoff_date', in_rfm_window, higher_is_better) }}

),

{% endfor %}
scored as (

    select
        gapped.*,
        coalesce(recency_days_scores.score, 1) as r_score,
        coalesce(rfm_frequency_scores.score, 1) as f_score,
        coalesce(rfm_monetary_scores.score, 1) as m_score

    from gapped
    {%- for measure in ['recency_days', 'rfm_frequency', 'rfm_monetary'] %}
    left join {{ measure }}_scores
        on gapped.{{ in_rfm_window }}
            and gapped.cutoff_date = {{ measure }}_scores.cutoff_date
            and gapped.{{ measure }} = {{ measure }}_scores.scored_value
    {%- endfor %}

),

final as (

    select
        customer_id,
        cutoff_date,
        month_start,
        is_as_of,
        cast(order_count as {{ dbt.type_bigint() }}) as order_count,
        cast(order_days as {{ dbt.type_bigint() }}) as order_days,
        cast(revenue as decimal(18, 2)) as revenue,
        first_order_at,
        last_order_at,
        first_order_date,
        last_order_date,
        cast(own_gap_days as {{ type_double() }}) as own_gap_days,
        cast(gap_std_days as {{ type_double() }}) as gap_std_days,
        cast(last_gap_days as {{ dbt.type_int() }}) as last_gap_days,
        cast(rfm_frequency as {{ dbt.type_bigint() }}) as rfm_frequency,
        cast(rfm_monetary as decimal(18, 2)) as rfm_monetary,
        cast(r_score as {{ dbt.type_int() }}) as r_score,
        cast(f_score as {{ dbt.type_int() }}) as f_score,
        cast(m_score as {{ dbt.type_int() }}) as m_score,
        cutoff_fingerprint

    from scored

)

select * from final
