-- The bounded training sample: at most var('training_customers_per_cutoff') customers per training cutoff,
-- the same customers at every cutoff as far as possible (ranked by a stable hash of customer_id), chosen
-- only among customers known at the cutoff, so nothing after a cutoff decides its sample.
with

cutoffs as (

    select distinct cutoff_date from {{ ref('int_training_cutoffs') }}

),

states as (

    select
        customer_id,
        cutoff_date
    from {{ ref('int_customer_states') }}

),

candidates as (

    select
        states.customer_id,
        states.cutoff_date,
        {{ sample_key('states.customer_id') }} as sample_key

    from states
    inner join cutoffs on states.cutoff_date = cutoffs.cutoff_date

),

ranked as (

    select
        *,
        row_number() over (partition by cutoff_date order by sample_key, customer_id) as sample_rank

    from candidates

),

final as (

    select
        customer_id,
        cutoff_date

    from ranked
    where sample_rank <= {{ var('training_customers_per_cutoff') }}

)

select * from final
