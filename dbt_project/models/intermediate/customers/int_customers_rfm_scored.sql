-- RFM as of as_of: quintile scores among customers with a purchase in the window (macros/rfm.sql).
with

customers as (

    select * from {{ ref('int_customers_summarised') }}

),

scored as (

    select
        *,
        {{ rfm_score('recency_days', 'rfm_frequency > 0', higher_is_better=false) }} as r_score,
        {{ rfm_score('rfm_frequency', 'rfm_frequency > 0') }} as f_score,
        {{ rfm_score('rfm_monetary', 'rfm_frequency > 0') }} as m_score

    from customers

),

final as (

    select
        *,
        {{ rfm_cell('r_score', 'f_score', 'm_score') }} as rfm_cell,
        {{ rfm_segment('r_score', 'f_score', 'm_score') }} as rfm_segment

    from scored

)

select * from final
