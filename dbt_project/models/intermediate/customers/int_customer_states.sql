-- The one definition of customer state at a cutoff: one row per customer and cutoff (int_cutoff_dates) from
-- the customer's first month on, using only facts on or before the cutoff. Order counts, revenue, first and
-- last purchase, gaps, recency, RFM (window values, scores, cell, segment), the usual gap and the lifecycle
-- state. customers reads the as_of rows, the lifecycle marts every month end.
--
-- A view: the measures are stored, incrementally per cutoff, in int_customer_state_measures; what follows
-- from them row by row (recency, tenure, the usual gap and the state, the RFM cell and segment, rates) is
-- computed where it is read, which costs less than storing it for every customer at every month end.
{{ config(materialized='view') }}

with

measures as (

    select * from {{ ref('int_customer_state_measures') }}

),

base_gaps as (

    select * from {{ ref('int_cutoff_base_gaps') }}

),

rfm_segments as (

    select * from {{ ref('rfm_segments') }}

),

measured as (

    select
        measures.*,
        cast(
            {{ rfm_recency_days('measures.last_order_date', 'measures.cutoff_date') }}
            as {{ dbt.type_int() }}
        ) as recency_days,
        cast(
            {{ dbt.datediff('measures.first_order_date', 'measures.cutoff_date', 'day') }}
            as {{ dbt.type_int() }}
        ) as tenure_days,
        cast(case when measures.order_days > 0 then measures.order_days - 1 end as {{ dbt.type_int() }}) as gaps,
        cast(base_gaps.base_gap_days as {{ type_double() }}) as base_gap_days

    from measures
    inner join base_gaps on measures.cutoff_date = base_gaps.cutoff_date

),

gapped as (

    select
        *,
        cast({{ usual_gap_days('own_gap_days', 'gaps', 'base_gap_days') }} as {{ type_double() }})
            as usual_gap_days

    from measured

),

final as (

    select
        gapped.customer_id,
        gapped.cutoff_date,
        gapped.month_start,
        gapped.is_as_of,
        gapped.order_count,
        gapped.order_days,
        gapped.revenue,
        case when gapped.order_count > 0 then {{ divide('gapped.revenue', 'gapped.order_count') }} end
            as avg_order_value,
        gapped.first_order_at,
        gapped.last_order_at,
        gapped.first_order_date,
        gapped.last_order_date,
        gapped.recency_days,
        gapped.tenure_days,
        gapped.gaps,
        gapped.own_gap_days,
        gapped.gap_std_days,
        gapped.last_gap_days,
        gapped.base_gap_days,
        gapped.usual_gap_days,
        gapped.rfm_frequency,
        gapped.rfm_monetary,
        gapped.r_score,
        gapped.f_score,
        gapped.m_score,
        {{ rfm_cell('gapped.r_score', 'gapped.f_score', 'gapped.m_score') }} as rfm_cell,
        rfm_segments.rfm_segment,
        cast(
            {{ lifecycle_state('gapped.tenure_days', 'gapped.recency_days', 'gapped.usual_gap_days') }}
            as {{ dbt.type_string() }}
        ) as lifecycle_state,
        {%- set usual_gap_whole_days = 'cast(round(gapped.usual_gap_days) as ' ~ dbt.type_int() ~ ')' %}
        cast({{ dbt.dateadd('day', usual_gap_whole_days, 'gapped.last_order_date') }} as date)
            as expected_next_order_date,
        -- tenure counts as at least one year, so a recent customer's rate is not inflated; in double on
        -- both engines (Spark divides decimals exactly, DuckDB in double: cents rounded differently)
        cast(gapped.order_count as double) * 365.0 / greatest(coalesce(gapped.tenure_days, 0), 365)
            as orders_per_year,
        cast(gapped.revenue as double) * 365.0 / greatest(coalesce(gapped.tenure_days, 0), 365)
            as revenue_per_year,
        gapped.cutoff_fingerprint

    from gapped
    left join rfm_segments
        on gapped.r_score = rfm_segments.r_score
            and {{ rfm_fm_score('gapped.f_score', 'gapped.m_score') }} = rfm_segments.fm_score

)

select * from final
