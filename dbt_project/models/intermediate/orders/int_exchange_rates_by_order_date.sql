-- The exchange rate that applies to each (currency, order date) the orders need: the latest valid rate on or
-- before that date. Orders in the reporting currency need none. A pair with no such rate is absent here, and
-- int_orders_validated quarantines its orders as missing_exchange_rate.
with

orders as (

    select
        currency,
        cast(ordered_at as date) as ordered_date
    from {{ ref('stg_shop__orders') }}

),

rates as (

    select
        currency,
        rate_date,
        rate_to_reporting,
        source_file,
        source_row
    from {{ ref('stg_shop__exchange_rates') }}
    where
        rate_date is not null
        and currency is not null
        and rate_to_reporting > 0

),

-- the last row sent for a (currency, date) wins, as for orders
latest_rates as (

    select
        currency,
        rate_date,
        rate_to_reporting

    from (
        select
            *,
            row_number() over (
                partition by currency, rate_date order by source_file desc, source_row desc
            ) as version_rank
        from rates
    ) as versions
    where version_rank = 1

),

dated_rates as (

    select
        currency,
        rate_date as valid_from,
        lead(rate_date) over (partition by currency order by rate_date) as valid_until,
        rate_to_reporting

    from latest_rates

),

needed as (

    select distinct
        currency,
        ordered_date

    from orders
    where
        ordered_date is not null
        and currency != '{{ var("reporting_currency") }}'

),

final as (

    select
        needed.currency,
        needed.ordered_date,
        dated_rates.valid_from as rate_date,
        dated_rates.rate_to_reporting

    from needed
    inner join dated_rates
        on needed.currency = dated_rates.currency
            and needed.ordered_date >= dated_rates.valid_from
            and (dated_rates.valid_until is null or needed.ordered_date < dated_rates.valid_until)

)

select * from final
