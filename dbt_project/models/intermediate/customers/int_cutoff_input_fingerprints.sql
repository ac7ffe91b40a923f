-- One row per cutoff (int_cutoff_dates): a fingerprint of everything int_customer_state_measures computes
-- that cutoff's rows from. State at a cutoff reads only the activity on or before it, so a closed month keeps
-- its fingerprint until a late or corrected order falls on or before its cutoff, and the measures rebuild
-- only the cutoffs whose fingerprint changed (macros/per_cutoff_incremental.sql). The segment names and the
-- state thresholds are not in it: the view int_customer_states applies them as it is read.
-- the one setting the measures read (the window of RFM frequency and monetary)
{%- set measure_vars = {'rfm_window_days': var('rfm_window_days')} %}

with

cutoffs as (

    select
        month_start,
        cutoff_date,
        is_as_of
    from {{ ref('int_cutoff_dates') }}

),

-- each day's values (every one int_customer_state_measures reads), hashed and summed per month: a sum does
-- not depend on the rows' order, and adding up the months gives each cutoff's total
monthly_activity as (

    select
        activity_month,
        sum(cast({{ row_hash([
            'customer_id', 'activity_date', 'purchases', 'amount', 'first_purchase_at', 'last_purchase_at',
            'purchase_day_number', 'gap_days',
        ]) }} as decimal(38, 0))) as hash_sum,
        count(*) as activity_days

    from {{ ref('int_customer_activity_days') }}
    group by activity_month

),

-- every day of a month up to as_of is on or before its month's cutoff (no activity is after as_of)
known_at_cutoff as (

    select
        cutoffs.month_start,
        sum(monthly_activity.hash_sum) as hash_sum,
        sum(monthly_activity.activity_days) as activity_days

    from cutoffs
    inner join monthly_activity on cutoffs.month_start >= monthly_activity.activity_month
    group by cutoffs.month_start

),

final as (

    select
        cutoffs.month_start,
        cutoffs.cutoff_date,
        cutoffs.is_as_of,
        -- the cutoff's date first, so a fingerprint names its month; never null (a null never compares)
        {{ dbt.concat([
            'cast(cutoffs.cutoff_date as ' ~ dbt.type_string() ~ ')',
            "case when cutoffs.is_as_of then '-as_of-' else '-' end",
            "coalesce(cast(known_at_cutoff.hash_sum as " ~ dbt.type_string() ~ "), '')",
            "'x'",
            "coalesce(cast(known_at_cutoff.activity_days as " ~ dbt.type_string() ~ "), '0')",
            "'-" ~ local_md5(tojson(measure_vars))[:12] ~ "'",
        ]) }} as cutoff_fingerprint

    from cutoffs
    left join known_at_cutoff on cutoffs.month_start = known_at_cutoff.month_start

)

select * from final
