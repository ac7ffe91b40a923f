-- noqa: disable=LT02
-- (sqlfluff counts the jinja loops' whitespace as indentation; the rendered SQL is laid out by hand)
-- Per month end: customers in each lifecycle state, and active customers now vs 1, 3, 6, 12 months ago.
with

states as (

    select * from {{ ref('int_customer_states') }}

),

per_month as (

    select
        month_start,
        cutoff_date as month_end,
        sum(case when lifecycle_state = 'new' then 1 else 0 end) as new_customers,
        sum(case when lifecycle_state = 'active' then 1 else 0 end) as active_customers,
        sum(case when lifecycle_state = 'slipping' then 1 else 0 end) as slipping_customers,
        sum(case when lifecycle_state = 'lost' then 1 else 0 end) as lost_customers,
        count(*) as customers

    from states
    group by month_start, cutoff_date

),

-- months ago by calendar month (a month before the first month has no row: null)
compared as (

    select
        per_month.*,
        {%- for months_ago in [1, 3, 6, 12] %}
        ago_{{ months_ago }}.active_customers as active_customers_{{ months_ago }}m_ago
        {{- "," if not loop.last }}
        {%- endfor %}

    from per_month
    {%- for months_ago in [1, 3, 6, 12] %}
    left join per_month as ago_{{ months_ago }}
        on ago_{{ months_ago }}.month_start
        = cast({{ dbt.dateadd('month', -months_ago, 'per_month.month_start') }} as date)
    {%- endfor %}

),

final as (

    select
        cast(month_start as date) as period_start,
        cast('month' as {{ dbt.type_string() }}) as grain,
        cast(month_end as date) as month_end,
        cast(new_customers as {{ dbt.type_bigint() }}) as new_customers,
        cast(active_customers as {{ dbt.type_bigint() }}) as active_customers,
        cast(slipping_customers as {{ dbt.type_bigint() }}) as slipping_customers,
        cast(lost_customers as {{ dbt.type_bigint() }}) as lost_customers,
        cast(customers as {{ dbt.type_bigint() }}) as customers,
        {%- for months_ago in [1, 3, 6, 12] %}
        cast(active_customers_{{ months_ago }}m_ago as {{ dbt.type_bigint() }})
            as active_customers_{{ months_ago }}m_ago,
        cast(
            round(100.0 * (active_customers - active_customers_{{ months_ago }}m_ago)
                / nullif(active_customers_{{ months_ago }}m_ago, 0), 2)
            as {{ type_double() }}
        ) as active_change_{{ months_ago }}m_pct
        {{- "," if not loop.last }}
        {%- endfor %}

    from compared

)

select * from final
