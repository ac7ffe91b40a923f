-- New and returning customers per day, month and year. Within a period a customer is new when their
-- first purchase falls in that period (so every order of their first day, and at month grain of their
-- first month, is new), returning when it fell before. Refund transactions count in revenue, in their
-- own period, on their customer's side; they are not orders.
{%- set grains = ['day', 'month', 'year'] %}
with

dated as (

    select
        customer_id,
        ordered_date,
        amount,
        is_refund,
        first_purchase_date
    from {{ ref('int_orders_netted') }}

),

{% for grain in grains %}
by_{{ grain }} as (

    select
        '{{ grain }}' as grain,
        {{ dashboards_period_start(grain, 'ordered_date') }} as period_start,
        customer_id,
        amount,
        is_refund,
        coalesce(
            {{ dashboards_period_start(grain, 'first_purchase_date') }}
            = {{ dashboards_period_start(grain, 'ordered_date') }},
            false
        ) as is_new

    from dated

),

{% endfor %}
periods as (

    {% for grain in grains %}
    select * from by_{{ grain }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

aggregated as (

    select
        grain,
        period_start,
        count(distinct case when is_new and not is_refund then customer_id end) as new_customers,
        count(distinct case when not is_new and not is_refund then customer_id end) as returning_customers,
        sum(case when is_new and not is_refund then 1 else 0 end) as new_orders,
        sum(case when not is_new and not is_refund then 1 else 0 end) as returning_orders,
        sum(case when is_new then amount else 0 end) as new_revenue,
        sum(case when not is_new then amount else 0 end) as returning_revenue,
        sum(case when is_new and not is_refund then amount else 0 end) as new_order_amount,
        sum(case when not is_new and not is_refund then amount else 0 end) as returning_order_amount

    from periods
    group by grain, period_start

),

final as (

    select
        period_start,
        case grain
            {% for grain in grains -%}
            when '{{ grain }}' then {{ dashboards_period_end(grain, 'period_start') }}
            {% endfor -%}
        end as period_end,
        cast(grain as {{ dbt.type_string() }}) as grain,
        cast(new_customers + returning_customers as {{ dbt.type_bigint() }}) as customers,
        cast(new_customers as {{ dbt.type_bigint() }}) as new_customers,
        cast(returning_customers as {{ dbt.type_bigint() }}) as returning_customers,
        cast(new_orders + returning_orders as {{ dbt.type_bigint() }}) as orders,
        cast(new_orders as {{ dbt.type_bigint() }}) as new_orders,
        cast(returning_orders as {{ dbt.type_bigint() }}) as returning_orders,
        {{ dashboards_money('new_revenue + returning_revenue') }} as revenue,
        {{ dashboards_money('new_revenue') }} as new_revenue,
        {{ dashboards_money('returning_revenue') }} as returning_revenue,
        {{ dashboards_money('new_order_amount / nullif(new_orders, 0)') }} as new_avg_order_value,
        {{ dashboards_money('returning_order_amount / nullif(returning_orders, 0)') }}
            as returning_avg_order_value,
        {{ dashboards_share('new_revenue', 'new_revenue + returning_revenue') }} as new_revenue_share,
        {{ dashboards_share('returning_revenue', 'new_revenue + returning_revenue') }}
            as returning_revenue_share

    from aggregated

)

select * from final
