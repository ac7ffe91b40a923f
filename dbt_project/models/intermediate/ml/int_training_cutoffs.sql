-- noqa: disable=LT02,RF04
-- (LT02: jinja loop whitespace; RF04: `target` is the column's name for its readers)
-- The training cutoffs of each prediction target: month ends whose label window ends on or before as_of. The
-- window is the target's horizon, shrunk to half the history when the history is short; the latest cutoff
-- is the last month end at least one window before as_of, then one every training_cutoff_step_days.
{%- set horizons = {
    'purchase': var('purchase_horizon_days'),
    'churn': var('churn_horizon_days'),
    'category': var('category_horizon_days'),
    'clv': var('clv_horizon_days'),
} %}
with

cutoffs as (

    select cutoff_date from {{ ref('int_cutoff_dates') }}
    where not is_as_of

),

run_context as (

    select as_of_date from {{ ref('int_run_context') }}

),

history as (

    select
        {{ dbt.datediff('min(orders.ordered_date)', 'run_context.as_of_date', 'day') }}
            as history_days

    from {{ ref('int_orders_netted') }} as orders
    cross join run_context
    group by run_context.as_of_date

),

horizons as (

    {% for target, days in horizons.items() %}
    select
        '{{ target }}' as target,
        {{ days }} as horizon_days
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

windows as (

    select
        horizons.target,
        horizons.horizon_days,
        cast(least(horizons.horizon_days, floor(history.history_days / 2)) as {{ dbt.type_int() }})
            as window_days,
        run_context.as_of_date

    from horizons
    cross join history
    cross join run_context

),

steps as (

    select generated_number - 1 as step
    from ({{ dbt.generate_series(var('training_cutoffs')) }}) as series

),

latest_allowed as (

    select
        windows.target,
        windows.horizon_days,
        windows.window_days,
        cast({{ dbt.dateadd(
            'day',
            '-(windows.window_days + steps.step * ' ~ var('training_cutoff_step_days') ~ ')',
            'windows.as_of_date'
        ) }} as date) as latest_cutoff_date

    from windows
    cross join steps
    where windows.window_days >= {{ var('min_label_window_days') }}

),

chosen as (

    select
        latest_allowed.target,
        latest_allowed.horizon_days,
        latest_allowed.window_days,
        max(cutoffs.cutoff_date) as cutoff_date

    from latest_allowed
    inner join cutoffs on latest_allowed.latest_cutoff_date >= cutoffs.cutoff_date
    group by
        latest_allowed.target,
        latest_allowed.horizon_days,
        latest_allowed.window_days,
        latest_allowed.latest_cutoff_date

),

final as (

    select distinct
        cast(target as {{ dbt.type_string() }}) as target,
        cutoff_date,
        cast(horizon_days as {{ dbt.type_int() }}) as horizon_days,
        window_days

    from chosen

)

select * from final
