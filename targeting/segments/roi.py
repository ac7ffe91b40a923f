"""Return on investment of targeting the top-k segments of a category, from its gain curve.

For a category, with segments ranked by purchase likelihood p_i (1 = highest), n_i customers, the
category's average order value AOV and the campaign settings (cost per contact c, margin m, uplift u):

    contacted_customers(k)  = sum_{i<=k} n_i
    expected_buyers(k)      = sum_{i<=k} n_i * p_i        customers expected to buy in the window anyway
    incremental_buyers(k)   = u * expected_buyers(k)      buyers the campaign adds
    incremental_revenue(k)  = incremental_buyers(k) * AOV
    cost(k)                 = c * contacted_customers(k)
    profit(k)               = m * incremental_revenue(k) - cost(k)
    roi(k)                  = profit(k) / cost(k)          (null when the cost is 0)

`is_best_k` marks the k with the highest profit, the smallest such k on a tie, and only when that
profit is positive: when no k pays, contacting nobody is best and no row is marked.

Uplift is a share of the *expected* buyers (0.10: the campaign adds one buyer for every ten who
would buy anyway), so it scales with the segment's likelihood; each incremental buyer places one
order of the average value. Both are assumptions to measure afterwards against the control group.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from targeting.segments.rules import empty_table

ROI_COLUMNS = {
    "category": "string",
    "k": "int64",
    "segment_rank": "int64",  # the segment added at this k
    "contacted_customers": "int64",
    "expected_buyers": "float64",
    "incremental_buyers": "float64",
    "average_order_value": "float64",
    "incremental_revenue": "float64",
    "cost": "float64",
    "profit": "float64",
    "roi": "float64",
    "is_best_k": "bool",
}


@dataclass(frozen=True)
class RoiSettings:
    cost_per_contact: float = 0.10  # currency per contacted customer (ads CPM-equivalent, e-mail/SMS send)
    margin: float = 0.30  # gross margin on incremental revenue
    uplift: float = 0.10  # incremental buyers as a share of expected buyers

    def __post_init__(self) -> None:
        for name, value, upper in (
            ("cost_per_contact", self.cost_per_contact, None),
            ("margin", self.margin, 1.0),
            ("uplift", self.uplift, None),
        ):
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not np.isfinite(value)
                or value < 0
            ):
                raise ValueError(f"ROI setting {name}={value!r} must be a number >= 0")
            if upper is not None and value > upper:
                raise ValueError(f"ROI setting {name}={value!r} must be at most {upper}")


def segment_roi(
    gain: pd.DataFrame,
    average_order_value: Mapping[str, float] | float,
    settings: RoiSettings = RoiSettings(),
) -> pd.DataFrame:
    """One row per category and k (ROI_COLUMNS), from a gain curve (category, segment_rank, customers,
    purchase_likelihood) and the average order value per category (or one value for all)."""
    missing = {"category", "segment_rank", "customers", "purchase_likelihood"} - set(gain.columns)
    if missing:
        raise ValueError(f"gain curve lacks columns {sorted(missing)}")
    parts = []
    for category, part in gain.sort_values(["category", "segment_rank"]).groupby("category", sort=True):
        aov = _average_order_value(average_order_value, category)
        customers = part["customers"].to_numpy(dtype="float64")
        likelihood = part["purchase_likelihood"].fillna(0.0).to_numpy(dtype="float64")
        contacted = np.cumsum(customers)
        expected = np.cumsum(customers * likelihood)
        incremental = settings.uplift * expected
        revenue = incremental * aov
        cost = settings.cost_per_contact * contacted
        profit = settings.margin * revenue - cost
        with np.errstate(divide="ignore", invalid="ignore"):
            roi = np.where(cost > 0, profit / np.where(cost > 0, cost, 1.0), np.nan)
        best = np.zeros(len(part), dtype=bool)
        if len(part) and profit.max() > 0:
            best[int(np.argmax(profit))] = True  # argmax returns the first (smallest k) of equal maxima
        parts.append(
            pd.DataFrame(
                {
                    "category": category,
                    "k": np.arange(1, len(part) + 1),
                    "segment_rank": part["segment_rank"].to_numpy(),
                    "contacted_customers": contacted.astype("int64"),
                    "expected_buyers": expected,
                    "incremental_buyers": incremental,
                    "average_order_value": aov,
                    "incremental_revenue": revenue,
                    "cost": cost,
                    "profit": profit,
                    "roi": roi,
                    "is_best_k": best,
                }
            )
        )
    if not parts:
        return empty_table(ROI_COLUMNS)
    return pd.concat(parts, ignore_index=True)[list(ROI_COLUMNS)]


def _average_order_value(values: Mapping[str, float] | float, category: str) -> float:
    value = values.get(category) if isinstance(values, Mapping) else values
    if value is None:
        raise ValueError(f"no average order value for category {category!r}")
    try:
        number = (
            float(value) if not isinstance(value, bool | str) else float("nan")
        )  # Decimal from SQL is fine
    except (TypeError, ValueError):
        number = float("nan")
    if not np.isfinite(number) or number < 0:
        raise ValueError(f"average order value of category {category!r} must be a number >= 0, got {value!r}")
    return number
