-- Every customer of a month end is in exactly one transition: per month, the transitions add up to the
-- customers of lifecycle_monthly, and each to_state total matches that state's count.
{{ config(meta={'dagster': {'ref': {'name': 'lifecycle_transitions'}}}) }}
with

transitions as (

    select
        period_start,
        sum(customers) as customers,
        sum(case when to_state = 'new' then customers else 0 end) as new_customers,
        sum(case when to_state = 'active' then customers else 0 end) as active_customers,
        sum(case when to_state = 'slipping' then customers else 0 end) as slipping_customers,
        sum(case when to_state = 'lost' then customers else 0 end) as lost_customers

    from {{ ref('lifecycle_transitions') }}
    group by period_start

),

monthly as (

    select * from {{ ref('lifecycle_monthly') }}

)

select
    monthly.period_start,
    transitions.period_start as transitions_period_start
from monthly
full outer join transitions on monthly.period_start = transitions.period_start
where monthly.period_start is null
    or transitions.period_start is null
    or monthly.customers <> transitions.customers
    or monthly.new_customers <> transitions.new_customers
    or monthly.active_customers <> transitions.active_customers
    or monthly.slipping_customers <> transitions.slipping_customers
    or monthly.lost_customers <> transitions.lost_customers
