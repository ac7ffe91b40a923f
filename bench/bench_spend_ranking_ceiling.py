"""How high a spend ranking (Spearman) can go on a real history, and why tied scores go higher.

Issue 16 asks for a spend Spearman of 0.50 on a sparse-repeat retailer. On CDNOW, 3 customers in 4 spend
nothing in the half-year after a cut, so every one of them shares one rank; a score that orders them
(any expected spend does: an old big spender is likelier to come back) spreads ranks the outcome does not
have, and Spearman falls, although the ordering itself carries information.

This bench measures that at one cut, with no pipeline: a Tweedie XGBoost and a purchase classifier trained
*at the cut itself* on half the customers (their real future as labels, which no pipeline has) and scored
on the other half. That is a ceiling for a continuous score. Beside it: the same scores rounded (tied),
and the simple counts a shop would use. Run by hand, about ten seconds:
    python bench/bench_spend_ranking_ceiling.py /tmp/lt/lifetimes/datasets/CDNOW_master.txt --as-of 1997-12-31
(the file as bench_real_history.py describes; any contract orders.csv works too).
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import xgboost as xgb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_real_history import contract_orders  # noqa: E402  (a script beside this one, not a package)


def customer_frame(orders: pd.DataFrame, cut: pd.Timestamp, horizon_days: int) -> pd.DataFrame:
    """Features at the cut (counts and spend over windows, recency) and the spend in the horizon after it."""
    past = orders[orders["at"] <= cut]
    frame = past.groupby("customer_id").agg(
        order_days=("day", "nunique"), revenue=("amount", "sum"), last=("at", "max"), first=("at", "min")
    )
    frame["recency_days"] = (cut - frame.pop("last")).dt.days
    frame["tenure_days"] = (cut - frame.pop("first")).dt.days
    for window in (90, 180, 365):
        recent = past[past["at"] > cut - pd.Timedelta(days=window)].groupby("customer_id")
        frame[f"orders_{window}d"] = recent["day"].nunique()
        frame[f"revenue_{window}d"] = recent["amount"].sum()
    frame = frame.fillna(0.0)
    future = orders[(orders["at"] > cut) & (orders["at"] <= cut + pd.Timedelta(days=horizon_days))]
    frame["spend"] = future.groupby("customer_id")["amount"].sum().reindex(frame.index).fillna(0.0)
    return frame


def spearman(score: np.ndarray, outcome: pd.Series) -> float:
    return float(pd.Series(score, index=outcome.index).corr(outcome, method="spearman"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("orders", type=Path)
    parser.add_argument("--as-of", required=True)
    parser.add_argument("--horizon-days", type=int, default=181)
    args = parser.parse_args()
    orders = contract_orders(args.orders)
    orders["at"] = pd.to_datetime(orders["ordered_at"])
    orders["day"] = orders["at"].dt.floor("D")
    frame = customer_frame(orders, pd.Timestamp(args.as_of), args.horizon_days)
    spend = frame.pop("spend")
    train = np.random.default_rng(0).random(len(frame)) < 0.5
    test_spend = spend[~train]
    params = {"n_estimators": 300, "max_depth": 3, "learning_rate": 0.05, "random_state": 0}
    expected = xgb.XGBRegressor(objective="reg:tweedie", **params).fit(frame[train], spend[train])
    buys = xgb.XGBClassifier(**params).fit(frame[train], (spend[train] > 0).astype(int))
    expected_spend = expected.predict(frame[~train])
    p_buy = buys.predict_proba(frame[~train])[:, 1]
    test = frame[~train]
    rows = [
        ("expected spend, XGBoost trained at the cut (ceiling)", expected_spend),
        ("P(buys), XGBoost trained at the cut", p_buy),
        ("expected spend rounded to whole currency units", np.round(expected_spend)),
        ("P(buys) rounded to 0.1 (ten tied levels)", np.round(p_buy, 1)),
        ("order days in the last 180 days (a count: tied)", test["orders_180d"].to_numpy()),
        ("order days ever (a count: tied)", test["order_days"].to_numpy()),
        ("revenue of the last 180 days", test["revenue_180d"].to_numpy()),
        ("the same count, its ties broken by revenue", test["orders_180d"] + 1e-6 * test["revenue"]),
    ]
    share = float((test_spend == 0).mean())
    print(f"{len(test):,} held-out customers at {args.as_of}; {share:.0%} spend nothing", end=" ")
    print(f"in the {args.horizon_days} days after")
    print(f"{'score':<60} {'Spearman':>9}")
    for name, score in rows:
        print(f"{name:<60} {spearman(np.asarray(score, dtype=float), test_spend):>9.3f}")


if __name__ == "__main__":
    main()
