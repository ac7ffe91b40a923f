"""Customer insights page data: new vs returning customers over a period, spend by purchase number, time
since the last purchase, and the year → month → day → orders drill-down."""

from datetime import date

import pandas as pd

from dashboards.published import Published


def period_bounds(data: Published) -> tuple[date, date]:
    """First and last day with orders (the range the period picker offers)."""
    frame = data.sql(
        "select min(period_start) as first, max(period_start) as last "
        "from new_vs_returning where grain = 'day'"
    )
    return frame["first"].iloc[0], frame["last"].iloc[0]


def new_vs_returning(data: Published, grain: str, start: date, end: date) -> pd.DataFrame:
    """New and returning customers, revenue and average order value per period of `grain` in [start, end]."""
    return data.sql(
        """
        select period_start, new_customers, returning_customers, new_revenue, returning_revenue,
               new_avg_order_value, returning_avg_order_value, new_orders, returning_orders,
        from new_vs_returning
        where grain = $grain and period_start between $start and $end
        order by period_start
        """,
        {"grain": grain, "start": start, "end": end},
    )


def period_totals(rows: pd.DataFrame) -> pd.DataFrame:
    """New vs returning over the whole period: revenue, orders, average order value and sales per customer.

    Customers are summed over the periods (a customer buying in two months counts twice), so per-customer
    sales are per customer-period."""
    out = []
    for kind in ("new", "returning"):
        revenue = rows[f"{kind}_revenue"].sum()
        orders = rows[f"{kind}_orders"].sum()
        customers = rows[f"{kind}_customers"].sum()
        out.append(
            {
                "kind": kind,
                "revenue": revenue,
                "orders": orders,
                "avg_order_value": revenue / orders if orders else None,
                "sales_per_customer": revenue / customers if customers else None,
            }
        )
    return pd.DataFrame(out)


def purchase_sequence(data: Published) -> pd.DataFrame:
    return data.sql(
        """
        select purchase_number_label, purchase_number_sort, customers_reaching, share_of_previous_number,
               order_amount, avg_order_value, median_days_since_previous_order,
        from purchase_sequence
        order by purchase_number_sort
        """
    )


def time_since_last_purchase(data: Published) -> pd.DataFrame:
    """Customers by months since their last purchase (30-day steps, 24+ together), with their revenue."""
    return data.sql(
        """
        select least(recency_days // 30, 24) as months_since, count(*) as customers, sum(revenue) as revenue,
        from customers
        group by 1
        order by 1
        """
    )


def drill(data: Published, grain: str, start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Customers, orders and revenue per year, or per month / day within [start, end]."""
    where = "grain = $grain" + (" and period_start between $start and $end" if start else "")
    params: dict = {"grain": grain} | ({"start": start, "end": end} if start else {})
    return data.sql(
        f"""
        select period_start, customers, new_customers, returning_customers, orders, revenue,
        from new_vs_returning
        where {where}
        order by period_start
        """,
        params,
    )


def orders_of_day(data: Published, day: date) -> pd.DataFrame:
    """That day's clean orders (customer ids are the shop's own keys, never contacts)."""
    return data.sql(
        """
        select order_id, customer_id, ordered_at, amount, gross_amount, refunded_amount, is_refund,
               status, channel,
        from fct_orders
        where ordered_date = $day
        order by ordered_at
        """,
        {"day": day},
    )
