"""A small synthetic shop in the ML input contract: simulated order histories, then features, mix and
labels computed from them at month-end cutoffs, so the labels carry a real (learnable) signal.

Each customer buys as a Poisson process at their own rate until they silently drop out (the classic
buy-till-you-die story); amounts, categories and channels follow per-customer preferences.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models_ml.config import ModelConfig, TrainingSetConfig

CATEGORIES = ("shoes", "bags", "hats", "Home & Garden")
CHANNELS = ("web", "email", "app")
HISTORY_DAYS = 900


@dataclass(frozen=True)
class Windows:
    """Label windows: the purchase one is the run's default; the others are shortened so that several
    training cutoffs fit in the shop's HISTORY_DAYS."""

    purchase: int = ModelConfig.purchase_horizon_days
    churn: int = 90
    clv: int = 90
    next_order: int = 90
    category: int = 60


@dataclass
class Shop:
    features: pd.DataFrame
    labels: pd.DataFrame
    mix: pd.DataFrame
    category_labels: pd.DataFrame
    as_of: pd.Timestamp
    orders: pd.DataFrame = field(repr=False, default=None)

    def inputs(self) -> dict:
        return {
            "features": self.features,
            "labels": self.labels,
            "as_of": self.as_of.date(),
            "mix": self.mix,
            "category_labels": self.category_labels,
        }


def simulate_orders(customers: int, seed: int) -> pd.DataFrame:
    """customer (index), day (0 … HISTORY_DAYS), amount, category and channel codes: one row per order."""
    rng = np.random.default_rng(seed)
    start = rng.uniform(0, HISTORY_DAYS - 60, customers)
    rate = rng.gamma(1.5, 1 / 45, customers)  # orders per day, mean one every 30 days
    death = start + rng.exponential(320, customers)
    span = np.clip(np.minimum(death, HISTORY_DAYS) - start, 0, None)
    repeats = rng.poisson(rate * span)
    later = np.repeat(np.arange(customers), repeats)
    owner = np.r_[np.arange(customers), later]
    day = np.r_[start, start[later] + rng.uniform(0, 1, len(later)) * span[later]]
    spend = rng.normal(3.6, 0.5, customers)
    cum_taste = rng.dirichlet(np.full(len(CATEGORIES), 0.6), customers).cumsum(axis=1)
    category = (rng.uniform(0, 1, len(owner))[:, None] > cum_taste[owner]).sum(axis=1)
    channel_pref = rng.integers(0, len(CHANNELS), customers)
    switch = rng.uniform(0, 1, len(owner)) >= 0.7
    channel = np.where(switch, rng.integers(0, len(CHANNELS), len(owner)), channel_pref[owner])
    orders = pd.DataFrame(
        {
            "customer": owner.astype(np.int64),
            "day": np.floor(day).astype(np.int64),
            "amount": np.round(rng.lognormal(spend[owner], 0.5), 2),
            "category": np.minimum(category, len(CATEGORIES) - 1).astype(np.int8),
            "channel": channel.astype(np.int8),
        }
    )
    return orders.sort_values(["customer", "day"], kind="stable").reset_index(drop=True)


def _quintile(values: pd.Series, reverse: bool = False) -> pd.Series:
    rank = values.rank(method="first", ascending=not reverse, pct=True)
    return np.ceil(rank * 5).clip(1, 5).astype("int64")


def features_at(orders: pd.DataFrame, day: int) -> pd.DataFrame:
    """Features of every customer with an order by `day` (indexed by customer)."""
    past = orders[orders["day"] <= day]
    grouped = past.groupby("customer", sort=True)
    first, last = grouped["day"].min(), grouped["day"].max()
    out = pd.DataFrame(
        {
            "recency_days": day - last,
            "tenure_days": day - first,
            "order_count": grouped.size(),
            "revenue": grouped["amount"].sum(),
        }
    )
    for window in (30, 90, 180, 365):
        recent = past[past["day"] > day - window].groupby("customer")
        out[f"orders_{window}d"] = recent.size().reindex(out.index, fill_value=0)
        out[f"revenue_{window}d"] = recent["amount"].sum().reindex(out.index, fill_value=0.0)
    out["spend_trend"] = out["revenue_90d"] / (out["revenue_365d"] / 4 + 1)
    gap = past["day"].diff().where(past["customer"].eq(past["customer"].shift()))
    gaps = gap.dropna().groupby(past.loc[gap.notna(), "customer"])
    out["gap_mean_days"] = gaps.mean()
    out["gap_std_days"] = gaps.std()
    out["last_gap_days"] = gaps.last()
    out["usual_gap_days"] = gaps.median()
    out["recency_to_usual_gap"] = out["recency_days"] / out["usual_gap_days"]
    out["avg_order_value"] = out["revenue"] / out["order_count"]
    out["avg_basket_size"] = 1.0 + (out["revenue"] % 3)
    out["messages_received_30d"] = 0  # optional input absent: zero
    out["messages_received_90d"] = 0
    out["messages_responded_90d"] = 0
    for column in (
        "web_events_7d",
        "web_events_30d",
        "web_events_90d",
        "web_add_to_cart_30d",
        "web_checkouts_30d",
    ):
        out[column] = np.nan  # optional input absent: null
    out["r_score"] = _quintile(out["recency_days"], reverse=True)
    out["f_score"] = _quintile(out["order_count"])
    out["m_score"] = _quintile(out["revenue"])
    out["lifecycle_state"] = np.select(
        [out["tenure_days"] <= 30, out["recency_days"] <= 90, out["recency_days"] <= 180],
        ["new", "active", "slipping"],
        "lost",
    )
    return out


def _mix_at(orders: pd.DataFrame, day: int) -> pd.DataFrame:
    past = orders[orders["day"] <= day]
    frames = []
    for dimension, values in (("category", CATEGORIES), ("channel", CHANNELS)):
        spend = past.groupby(["customer", dimension])["amount"].agg(["sum", "count"]).reset_index()
        totals = spend.groupby("customer")[["sum", "count"]].transform("sum")
        frames.append(
            pd.DataFrame(
                {
                    "customer": spend["customer"],
                    "dimension": dimension,
                    "value": np.array(values, dtype=object)[spend[dimension].to_numpy()],
                    "spend_share": spend["sum"] / totals["sum"],
                    "order_share": spend["count"] / totals["count"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _labels_at(
    orders: pd.DataFrame, customers: pd.Index, day: int, end: int, windows: Windows
) -> pd.DataFrame:
    future = orders[orders["day"] > day]
    out = pd.DataFrame(index=customers)

    def within(window: int):
        return future[future["day"] <= day + window].groupby("customer")

    def complete(window: int) -> bool:
        return day + window <= end

    w = windows
    bought = within(w.purchase).size().reindex(customers, fill_value=0) > 0
    out["purchase_label"] = bought if complete(w.purchase) else None
    out["purchase_window_days"] = w.purchase if complete(w.purchase) else None
    stayed = within(w.churn).size().reindex(customers, fill_value=0) > 0
    out["churn_label"] = ~stayed if complete(w.churn) else None
    out["churn_window_days"] = w.churn if complete(w.churn) else None
    value = within(w.clv)["amount"].sum().reindex(customers, fill_value=0.0)
    out["clv_label"] = value if complete(w.clv) else np.nan
    out["clv_window_days"] = w.clv if complete(w.clv) else None
    next_day = within(w.next_order)["day"].min().reindex(customers)
    out["days_to_next_order"] = (next_day - day) if complete(w.next_order) else np.nan
    out["next_order_window_days"] = w.next_order if complete(w.next_order) else None
    return out


def _category_labels_at(
    orders: pd.DataFrame, customers: pd.Index, day: int, window: int, positives_only: bool
):
    future = orders[(orders["day"] > day) & (orders["day"] <= day + window)]
    bought = future[["customer", "category"]].drop_duplicates()
    if positives_only:
        grid = bought.assign(bought=True)
    else:
        grid = pd.MultiIndex.from_product([customers, range(len(CATEGORIES))], names=["customer", "category"])
        grid = grid.to_frame(index=False).merge(bought.assign(bought=True), how="left")
        grid["bought"] = grid["bought"].fillna(False).astype(bool)
    grid["category"] = np.array(CATEGORIES, dtype=object)[grid["category"].to_numpy()]
    return grid.assign(window_days=window)


def make_shop(
    customers: int = 3000,
    seed: int = 0,
    training_cutoffs: int = TrainingSetConfig.training_cutoffs,
    windows: Windows = Windows(),
    as_of: str = "2024-12-31",
    with_categories: bool = True,
    positives_only_categories: bool = False,
) -> Shop:
    """Features and mix at `training_cutoffs` month ends before `as_of` and at `as_of`; labels where the
    window ends by as_of (null otherwise)."""
    as_of_ts = pd.Timestamp(as_of)
    origin = as_of_ts - pd.Timedelta(days=HISTORY_DAYS)
    orders = simulate_orders(customers, seed)
    ids = pd.Series(np.char.add("C", np.arange(customers).astype(str)), dtype="str")
    month_ends = pd.date_range(end=as_of_ts - pd.Timedelta(days=1), periods=training_cutoffs, freq="ME")
    features, labels, mix, category_labels = [], [], [], []

    def keyed(frame: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
        frame = frame.reset_index() if "customer" not in frame else frame
        customer_id = ids.iloc[frame["customer"].to_numpy()].to_numpy()
        return frame.drop(columns="customer").assign(customer_id=customer_id, cutoff_date=cutoff.date())

    for cutoff in [*month_ends, as_of_ts]:
        day = (cutoff - origin).days
        scoring = cutoff == as_of_ts
        at = features_at(orders, day)
        features.append(keyed(at, cutoff).assign(is_scoring_cutoff=scoring))
        if with_categories:
            mix.append(keyed(_mix_at(orders, day), cutoff))
        if scoring:
            continue
        labels.append(keyed(_labels_at(orders, at.index, day, HISTORY_DAYS, windows), cutoff))
        if with_categories and day + windows.category <= HISTORY_DAYS:
            grid = _category_labels_at(orders, at.index, day, windows.category, positives_only_categories)
            category_labels.append(keyed(grid, cutoff))
    return Shop(
        features=pd.concat(features, ignore_index=True),
        labels=pd.concat(labels, ignore_index=True),
        mix=pd.concat(mix, ignore_index=True) if mix else pd.DataFrame(),
        category_labels=pd.concat(category_labels, ignore_index=True) if category_labels else pd.DataFrame(),
        as_of=as_of_ts,
        orders=orders,
    )
