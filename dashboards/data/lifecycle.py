"""Customer groups and lifecycle page data: the four frequency groups, active customers now against 1, 3,
6 and 12 months ago, lifecycle growth by month, and the transition matrix."""

from datetime import date

import pandas as pd

from dashboards.published import Published

LOOKBACKS = (1, 3, 6, 12)  # months; lifecycle_monthly carries these comparisons


def customer_groups(data: Published) -> pd.DataFrame:
    return data.sql(
        """
        select frequency_group, customers, share_of_customers, revenue, lifetime_value, avg_orders,
               avg_basket_size, orders_per_year, revenue_per_year, share_lost,
        from customer_groups
        order by group_order
        """
    )


def active_comparison(data: Published) -> pd.DataFrame:
    """Active customers at the last month end against each lookback, with the change in %."""
    picks = ", ".join(f"active_customers_{m}m_ago, active_change_{m}m_pct" for m in LOOKBACKS)
    latest = data.sql(
        f"select month_end, active_customers, {picks} from lifecycle_monthly order by month_end desc limit 1"
    )
    if latest.empty:
        return pd.DataFrame(columns=["months_ago", "active_then", "active_now", "change_pct", "month_end"])
    row = latest.iloc[0]
    return pd.DataFrame(
        {
            "months_ago": list(LOOKBACKS),
            "active_then": [row[f"active_customers_{m}m_ago"] for m in LOOKBACKS],
            "active_now": row["active_customers"],
            "change_pct": [row[f"active_change_{m}m_pct"] for m in LOOKBACKS],
            "month_end": row["month_end"],
        }
    )


def growth(data: Published, months: int | None) -> pd.DataFrame:
    """New, active, slipping and lost customers per month end, the last `months` (None: all)."""
    return data.sql(
        """
        select month_end, new_customers, active_customers, slipping_customers, lost_customers, customers,
        from lifecycle_monthly
        order by month_end desc
        limit coalesce($months, 100000)
        """,
        {"months": months},
    ).sort_values("month_end")


def transition_months(data: Published) -> list[date]:
    frame = data.sql("select distinct month_end from lifecycle_transitions order by month_end desc")
    return frame["month_end"].tolist()


def transitions(data: Published, month_end: date) -> pd.DataFrame:
    """from_state × to_state customer counts at one month end (the migration matrix)."""
    long = data.sql(
        """
        select from_state, to_state, customers,
        from lifecycle_transitions
        where month_end = $month_end
        """,
        {"month_end": month_end},
    )
    order = ["none", "new", "active", "slipping", "lost"]
    matrix = long.pivot_table(index="from_state", columns="to_state", values="customers", aggfunc="sum")
    rows = [s for s in order if s in matrix.index] + [s for s in matrix.index if s not in order]
    cols = [s for s in order if s in matrix.columns] + [s for s in matrix.columns if s not in order]
    return matrix.reindex(index=rows, columns=cols).fillna(0).astype("int64")
