"""RFM cells and lifecycle states from dbt's `customers` mart equal an independent pandas computation.

A small hand-made orders file covers the edges: tied values, one-order customers, same-day orders, a refund,
the RFM window's first day, each lifecycle boundary (exactly 1.5x and 2x the usual gap), the minimum days
before slipping, and the usual gap blended for customers with few gaps. The pandas side re-implements the
documented definitions (int_customer_states.yml, macros/rfm.sql, macros/lifecycle.sql) without reading SQL.
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.raw.load import load_raw_folder

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
AS_OF = "2025-06-30"  # a bare date: the whole day counts, "days since" count from this date
RFM_WINDOW_DAYS = 365
NEW_CUSTOMER_DAYS = 30
SLIPPING_MULTIPLIER = 1.5
LOST_MULTIPLIER = 2.0
MIN_SLIPPING_DAYS = 14
MIN_LOST_DAYS = 60
MIN_GAPS_FOR_OWN_RHYTHM = 3
BASE_GAP_SHARE = 0.8


def _every(customer_id: str, last: str, gap_days: int, purchases: int, amount: str) -> list[tuple]:
    """`purchases` orders `gap_days` apart, the last one on `last` (10:00 UTC)."""
    end = pd.Timestamp(last)
    return [
        (customer_id, str(end - pd.Timedelta(days=gap_days * k)), amount) for k in reversed(range(purchases))
    ]


# (customer_id, ordered_at, amount)
ORDERS = [
    # 3 gaps of 40 days (own rhythm): exactly 1.5x (60 days since) -> active; one day more -> slipping;
    # exactly 2x (80 days) -> slipping; one day more -> lost
    *_every("at_1_5x", "2025-05-01 10:00:00", 40, 4, "40.00"),
    *_every("over_1_5x", "2025-04-30 10:00:00", 40, 4, "35.00"),
    *_every("at_2x", "2025-04-11 10:00:00", 40, 4, "20.00"),
    *_every("over_2x", "2025-04-10 10:00:00", 40, 4, "45.00"),
    # every 3 days: 13 days since is still active (not slipping before 14 days), 20 days is slipping
    *_every("every_3_days_13_since", "2025-06-17 10:00:00", 3, 12, "12.00"),
    *_every("every_3_days_20_since", "2025-06-10 10:00:00", 3, 12, "12.00"),
    # first order 29 days before as_of -> new; one-order customers use the base gap
    ("new_29_days", "2025-06-01 08:00:00", "25.00"),
    ("one_order_30_days", "2025-05-31 08:00:00", "25.00"),
    ("one_order_100_days", "2025-03-22 08:00:00", "25.00"),
    # two orders on one day are one visit: the base gap
    ("same_day", "2025-04-01 09:00:00", "15.00"),
    ("same_day", "2025-04-01 15:00:00", "15.00"),
    # twins: equal recency, frequency and monetary must get equal scores
    ("twin_a", "2025-02-01 12:00:00", "60.00"),
    ("twin_a", "2025-03-18 12:00:00", "60.00"),
    ("twin_b", "2025-02-01 18:00:00", "60.00"),
    ("twin_b", "2025-03-18 18:00:00", "60.00"),
    # a steady monthly buyer; one timestamp with an offset lands on the next UTC day
    ("steady", "2024-09-05 10:00:00", "70.00"),
    ("steady", "2024-10-05 10:00:00", "70.00"),
    ("steady", "2024-11-05 10:00:00", "90.00"),
    ("steady", "2024-12-05 10:00:00", "70.00"),
    ("steady", "2025-01-04T23:30:00-02:00", "120.00"),
    ("steady", "2025-02-05 10:00:00", "70.00"),
    ("steady", "2025-06-20 10:00:00", "70.00"),
    # the RFM window's first day (as_of - 364 days) is in, the day before is out
    ("window_edge", "2024-06-30 10:00:00", "500.00"),
    ("window_edge", "2024-07-01 10:00:00", "10.00"),
    # only orders long before the window: scores 1/1/1
    ("dormant", "2023-01-10 10:00:00", "300.00"),
    ("dormant", "2023-03-11 10:00:00", "300.00"),
    # a refund transaction lowers revenue and monetary but is not an order
    ("refunded", "2025-03-01 10:00:00", "100.00"),
    ("refunded", "2025-03-05 10:00:00", "-40.00"),
]


def write_orders(folder: Path) -> None:
    folder.mkdir(parents=True)
    frame = pd.DataFrame(ORDERS, columns=["customer_id", "ordered_at", "amount"])
    frame.insert(0, "order_id", [f"o{i}" for i in range(1, len(frame) + 1)])
    frame.to_csv(folder / "orders.csv", index=False)


def run_dbt_customers(tmp_path: Path, warehouse: Path) -> None:
    env = {
        **os.environ,
        "PULSE_DUCKDB_PATH": str(warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    command = [
        "dbt",
        "build",
        "--profiles-dir",
        str(PROJECT_DIR),
        "--project-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(tmp_path / "target"),
        "--log-path",
        str(tmp_path / "logs"),
        "--select",
        "+customers",
        # only tests whose parents are all built (other marts' tests are not this test's business)
        "--indirect-selection",
        "cautious",
        "--vars",
        json.dumps({"as_of": AS_OF}),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]


# ---- the independent pandas side -------------------------------------------------------------------

SEGMENT_GRID = {  # R score -> FM score 1..5 (the documented grid)
    5: ["New", "Potential loyalist", "Loyal", "Champions", "Champions"],
    4: ["Promising", "Potential loyalist", "Loyal", "Champions", "Champions"],
    3: ["Promising", "Need attention", "Need attention", "Loyal", "Loyal"],
    2: ["Hibernating", "About to sleep", "At risk", "At risk", "At risk"],
    1: ["Lost", "Hibernating", "At risk", "Cannot lose them", "Cannot lose them"],
}


def quintile(values: pd.Series, higher_is_better: bool) -> pd.Series:
    """1 + floor(5 x number strictly worse / n): equal values share a score."""
    goodness = values if higher_is_better else -values
    strictly_worse = goodness.apply(lambda v: int((goodness < v).sum()))
    return 1 + (5 * strictly_worse) // len(values)


def expected_customers() -> pd.DataFrame:
    orders = pd.DataFrame(ORDERS, columns=["customer_id", "ordered_at", "amount"])
    orders["ordered_date"] = pd.to_datetime(orders["ordered_at"], utc=True, format="ISO8601").dt.normalize()
    orders["amount"] = orders["amount"].astype(float)
    as_of = pd.Timestamp(AS_OF, tz="UTC")
    window_start = as_of - pd.Timedelta(days=RFM_WINDOW_DAYS - 1)
    purchases = orders[orders["amount"] >= 0]
    in_window = orders[orders["ordered_date"] >= window_start]

    rows = []
    for customer_id, own in purchases.groupby("customer_id"):
        days = sorted(own["ordered_date"].unique())
        rows.append(
            {
                "customer_id": customer_id,
                "first": days[0],
                "last": days[-1],
                "order_days": len(days),
                "first_gap": (days[1] - days[0]).days if len(days) >= 2 else None,
                "recency_days": (as_of - days[-1]).days,
                "rfm_frequency": int(
                    (in_window["customer_id"].eq(customer_id) & (in_window["amount"] >= 0)).sum()
                ),
                "rfm_monetary": round(
                    float(in_window.loc[in_window["customer_id"] == customer_id, "amount"].sum()), 2
                ),
            }
        )
    customers = pd.DataFrame(rows).set_index("customer_id")

    scored = customers[customers["rfm_frequency"] > 0]
    customers["r_score"] = quintile(scored["recency_days"], higher_is_better=False)
    customers["f_score"] = quintile(scored["rfm_frequency"], higher_is_better=True)
    customers["m_score"] = quintile(scored["rfm_monetary"], higher_is_better=True)
    customers[["r_score", "f_score", "m_score"]] = (
        customers[["r_score", "f_score", "m_score"]].fillna(1).astype(int)
    )
    customers["rfm_cell"] = (
        customers["r_score"].astype(str) + customers["f_score"].astype(str) + customers["m_score"].astype(str)
    )
    fm = (customers["f_score"] + customers["m_score"] + 1) // 2  # mean of F and M, halves rounded up
    customers["rfm_segment"] = [SEGMENT_GRID[r][f - 1] for r, f in zip(customers["r_score"], fm, strict=True)]

    # the base gap: the smallest first-to-second gap within which 80 % of second purchases happened
    first_gaps = sorted(customers["first_gap"].dropna())
    base_gap = float(first_gaps[math.ceil(BASE_GAP_SHARE * len(first_gaps)) - 1])
    states, usual_gaps = [], []
    for row in customers.itertuples():
        gaps = row.order_days - 1
        own = (row.last - row.first).days / gaps if gaps else 0.0
        weight = min(gaps, MIN_GAPS_FOR_OWN_RHYTHM) / MIN_GAPS_FOR_OWN_RHYTHM
        gap = weight * own + (1 - weight) * base_gap
        usual_gaps.append(gap)
        if (as_of - row.first).days < NEW_CUSTOMER_DAYS:
            states.append("new")
        elif row.recency_days > max(LOST_MULTIPLIER * gap, MIN_LOST_DAYS):
            states.append("lost")
        elif row.recency_days > max(SLIPPING_MULTIPLIER * gap, MIN_SLIPPING_DAYS):
            states.append("slipping")
        else:
            states.append("active")
    customers["lifecycle_state"] = states
    customers["usual_gap_days"] = usual_gaps
    return customers


@pytest.mark.integration
def test_rfm_cells_and_lifecycle_states_match_pandas(tmp_path):
    raw_folder = tmp_path / "raw"
    warehouse = tmp_path / "warehouse.duckdb"
    write_orders(raw_folder)
    load_raw_folder(raw_folder, warehouse)
    run_dbt_customers(tmp_path, warehouse)

    with duckdb.connect(str(warehouse), read_only=True) as con:
        actual = (
            con.execute(
                "select customer_id, r_score, f_score, m_score, rfm_cell, rfm_segment, lifecycle_state,"
                " rfm_frequency, cast(rfm_monetary as double) as rfm_monetary, recency_days, usual_gap_days"
                " from marts.customers"
            )
            .df()
            .set_index("customer_id")
            .sort_index()
        )
    expected = expected_customers().sort_index()

    columns = [
        "r_score",
        "f_score",
        "m_score",
        "rfm_cell",
        "rfm_segment",
        "lifecycle_state",
        "rfm_frequency",
        "rfm_monetary",
        "recency_days",
        "usual_gap_days",
    ]
    pd.testing.assert_frame_equal(actual[columns], expected[columns], check_dtype=False)

    # the boundaries, spelled out (strictly greater than 1.5x / 2x the gap, and the minimum days)
    states = actual["lifecycle_state"].to_dict()
    assert states["at_1_5x"] == "active" and states["over_1_5x"] == "slipping"
    assert states["at_2x"] == "slipping" and states["over_2x"] == "lost"
    assert states["every_3_days_13_since"] == "active" and states["every_3_days_20_since"] == "slipping"
    assert states["new_29_days"] == "new" and states["one_order_30_days"] == "active"
    # one purchase day (same-day orders are one visit) is judged by the base gap
    assert actual.loc["same_day", "usual_gap_days"] == actual.loc["one_order_30_days", "usual_gap_days"]
    assert actual.loc["twin_a", "rfm_cell"] == actual.loc["twin_b", "rfm_cell"]
    assert actual.loc["dormant", "rfm_cell"] == "111"
    assert actual.loc["window_edge", "rfm_frequency"] == 1
