{#- Generic test: the columns together identify a row (no duplicate combination, no null part). -#}
{% test unique_combination(model, columns) %}

with

keyed as (

    select
        {{ columns | join(', ') }},
        count(*) as rows_with_key

    from {{ model }}
    group by {{ columns | join(', ') }}

)

select *
from keyed
where rows_with_key > 1
    {%- for column in columns %}
    or {{ column }} is null
    {%- endfor %}

{% endtest %}
