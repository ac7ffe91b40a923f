-- noqa: disable=LT02,LT09,LT11
-- (a 5 × 5 lookup grid reads best as a grid)
-- The named segment map is the documented R x FM grid (macros/rfm.sql) for all 125 score combinations.
-- depends_on: {{ ref('int_customers_rfm_scored') }}
with

scores as (

    select 1 as score union all select 2 union all select 3 union all select 4 union all select 5

),

grid (r_score, fm_score, expected_segment) as (

    values
        (5, 1, 'New'), (5, 2, 'Potential loyalist'), (5, 3, 'Loyal'), (5, 4, 'Champions'), (5, 5, 'Champions'),
        (4, 1, 'Promising'), (4, 2, 'Potential loyalist'), (4, 3, 'Loyal'), (4, 4, 'Champions'), (4, 5, 'Champions'),
        (3, 1, 'Promising'), (3, 2, 'Need attention'), (3, 3, 'Need attention'), (3, 4, 'Loyal'), (3, 5, 'Loyal'),
        (2, 1, 'Hibernating'), (2, 2, 'About to sleep'), (2, 3, 'At risk'), (2, 4, 'At risk'), (2, 5, 'At risk'),
        (1, 1, 'Lost'), (1, 2, 'Hibernating'), (1, 3, 'At risk'), (1, 4, 'Cannot lose them'),
        (1, 5, 'Cannot lose them')

),

combinations as (

    select
        r.score as r_score,
        f.score as f_score,
        m.score as m_score

    from scores as r
    cross join scores as f
    cross join scores as m

),

segmented as (

    select
        *,
        {{ rfm_fm_score('f_score', 'm_score') }} as fm_score,
        {{ rfm_segment('r_score', 'f_score', 'm_score') }} as rfm_segment

    from combinations

)

select segmented.*, grid.expected_segment
from segmented
left join grid
    on segmented.r_score = grid.r_score
    and segmented.fm_score = grid.fm_score
where grid.expected_segment is null or segmented.rfm_segment <> grid.expected_segment
