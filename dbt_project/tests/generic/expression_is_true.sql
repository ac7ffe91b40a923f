{#- Generic test: `expression` holds on every row of the model. Returns the rows where it does not. -#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not ({{ expression }})

{% endtest %}
