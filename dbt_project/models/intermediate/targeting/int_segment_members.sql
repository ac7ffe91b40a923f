-- Every segment and audience a customer belongs to at as_of, one row each, so segment_details and
-- segment_popular_products describe them all the same way: category rule segments, predictive cells,
-- RFM segments, lifecycle states and audiences (their members outside the control group).
with

states as (

    select
        customer_id,
        rfm_segment,
        lifecycle_state
    from {{ ref('int_customer_states') }}
    where is_as_of

),

category_members as (

    select
        members.customer_id,
        members.category,
        members.segment_rank,
        segments.rule
    from {{ ref('stg_targeting__category_segment_members') }} as members
    inner join {{ ref('stg_targeting__category_segments') }} as segments
        on
            members.category = segments.category
            and members.segment_rank = segments.segment_rank

),

predictions as (

    select
        customer_id,
        predictive_cell
    from {{ ref('stg_predictions__customer_predictions') }}
    where predictive_cell is not null

),

audiences as (

    select
        customer_id,
        audience
    from {{ ref('stg_targeting__audience_members') }}
    where not is_control

),

unioned as (

    select
        'category_segment' as segment_kind,
        {{ dbt.concat(['category', "' #'", 'cast(segment_rank as ' ~ dbt.type_string() ~ ')']) }} as segment_id,
        rule as segment_label,
        customer_id
    from category_members

    union all

    select
        'predictive_cell' as segment_kind,
        predictive_cell as segment_id,
        predictive_cell as segment_label,
        customer_id
    from predictions

    union all

    select
        'rfm_segment' as segment_kind,
        rfm_segment as segment_id,
        rfm_segment as segment_label,
        customer_id
    from states

    union all

    select
        'lifecycle_state' as segment_kind,
        lifecycle_state as segment_id,
        lifecycle_state as segment_label,
        customer_id
    from states

    union all

    select
        'audience' as segment_kind,
        audience as segment_id,
        audience as segment_label,
        customer_id
    from audiences

),

final as (

    select
        cast(segment_kind as {{ dbt.type_string() }}) as segment_kind,
        cast(segment_id as {{ dbt.type_string() }}) as segment_id,
        cast(segment_label as {{ dbt.type_string() }}) as segment_label,
        customer_id

    from unioned

)

select * from final
