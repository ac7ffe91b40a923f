-- Per training sample at a category training cutoff and per category the shop sells: whether the customer
-- bought it within the category label window after the cutoff. Empty without order_items.
with

samples as (

    select * from {{ ref('int_training_samples') }}

),

category_cutoffs as (

    select
        cutoff_date,
        window_days
    from {{ ref('int_training_cutoffs') }}
    where target = 'category'

),

items as (

    select
        customer_id,
        ordered_date,
        category
    from {{ ref('int_order_items_enriched') }}

),

categories as (

    select distinct category from items

),

bought as (

    select distinct
        samples.customer_id,
        samples.cutoff_date,
        items.category

    from samples
    inner join category_cutoffs on samples.cutoff_date = category_cutoffs.cutoff_date
    inner join items
        on samples.customer_id = items.customer_id
            and samples.cutoff_date < items.ordered_date
            and {{ dbt.dateadd('day', 'category_cutoffs.window_days', 'samples.cutoff_date') }} >= items.ordered_date

),

final as (

    select
        samples.customer_id,
        samples.cutoff_date,
        cast(categories.category as {{ dbt.type_string() }}) as category,
        bought.category is not null as bought,
        cast(category_cutoffs.window_days as {{ dbt.type_int() }}) as window_days

    from samples
    inner join category_cutoffs on samples.cutoff_date = category_cutoffs.cutoff_date
    cross join categories
    left join bought
        on samples.customer_id = bought.customer_id
            and samples.cutoff_date = bought.cutoff_date
            and categories.category = bought.category

)

select * from final
