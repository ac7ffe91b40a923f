{#- Generic test: on every row, the column equals the sum of `columns` (e.g. revenue = new + returning). -#}
{% test equals_sum_of(model, column_name, columns) %}

select *
from {{ model }}
where {{ column_name }} != {{ columns | join(' + ') }}

{% endtest %}
