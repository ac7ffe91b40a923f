"""CRM dashboard page data: base quality by time since the last purchase, repeat customers, best vs lost
customers, and assisted sales, by month."""

from datetime import date

import pandas as pd

from dashboards.published import Published


def months_back(latest: date, months: int) -> date:
    """The first day of the period of `months` months that ends with the month starting `latest`."""
    index = latest.year * 12 + latest.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def last_month(data: Published, table: str) -> date | None:
    frame = data.sql(f"select max(period_start) as last from {table} where grain = 'month'")
    return frame["last"].iloc[0]


def base_quality(data: Published, since: date) -> pd.DataFrame:
    """The customer base by months since the last purchase, at each month end from `since` on."""
    return data.sql(
        """
        select period_start, months_since_last_purchase_band as band, band_sort_order, customers,
               base_customers, share_of_base,
        from customer_base_quality
        where grain = 'month' and period_start >= $since
        order by period_start, band_sort_order
        """,
        {"since": since},
    )


def repeat_customers(data: Published, since: date) -> pd.DataFrame:
    return data.sql(
        """
        select period_start, customers, repeat_customers, one_time_customers, repeat_customer_share,
               revenue, repeat_revenue, repeat_revenue_share,
        from repeat_customers
        where grain = 'month' and period_start >= $since
        order by period_start
        """,
        {"since": since},
    )


def repeat_overall(data: Published) -> pd.DataFrame:
    return data.sql(
        """
        select customers, repeat_customers, repeat_customer_share, revenue, repeat_revenue,
               repeat_revenue_share,
        from repeat_customers
        where grain = 'all'
        """
    )


def best_and_lost(data: Published, since: date) -> pd.DataFrame:
    return data.sql(
        """
        select month_end, best_customers, lost_customers, customers, best_share, lost_share,
        from best_and_lost_customers
        where period_start >= $since
        order by month_end
        """,
        {"since": since},
    )


def assisted_sales(data: Published, since: date) -> pd.DataFrame:
    return data.sql(
        """
        select period_start, assisted_orders, regular_orders, assisted_revenue, regular_revenue,
               assisted_order_share, assisted_revenue_share,
        from assisted_sales
        where grain = 'month' and period_start >= $since
        order by period_start
        """,
        {"since": since},
    )
