"""new_vs_returning revenue per month, computed independently in pandas, equals the dbt mart exactly.

A small hand-made raw folder exercises the rules that decide the numbers: several orders on a
customer's first day, a return the next day and the next month, a refund transaction, a refunded
order, a cancelled order, a duplicated order_id (latest row wins) and a UTC offset that moves an
order into the previous month.
"""

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.raw.load import load_raw_folder

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"

ORDERS_CSV = """\
order_id,customer_id,ordered_at,amount,status,currency,channel,campaign_id
o1,alice,2024-01-10 09:00:00,100.00,completed,EUR,email,
o2,alice,2024-01-10 18:30:00,25.50,,,email,
o3,alice,2024-01-11 08:00:00,40.00,completed,EUR,organic,
o4,bob,2024-01-31 23:00:00,60.00,completed,EUR,ads,
o5,bob,2024-02-02 10:00:00,-20.00,,,ads,
o6,alice,2024-02-14 12:00:00,80.00,refunded,EUR,direct,
o7,carol,2024-03-01T01:30:00+02:00,55.55,completed,EUR,,
o8,carol,2024-03-05 10:00:00,45.00,cancelled,EUR,,
o9,dave,2024-03-05 10:00:00,10.00,completed,EUR,sms,c1
o9,dave,2024-03-05 10:00:00,12.00,completed,EUR,sms,c1
o10,bob,2024-03-20 16:00:00,33.33,completed,EUR,direct,
o11,dave,2024-03-20 17:00:00,7.77,completed,EUR,sms,
o12,erin,2024-04-02 10:00:00,19.99,completed,EUR,organic,
o13,carol,2024-04-02 11:00:00,70.00,completed,EUR,organic,
"""


def independent_new_vs_returning_cents(orders_csv: Path) -> dict[str, tuple[int, int]]:
    """Month -> (new revenue, returning revenue) in cents, following docs/data-contract.md."""
    raw = pd.read_csv(orders_csv, dtype=str, keep_default_na=False)
    raw["ordered_at"] = pd.to_datetime(raw["ordered_at"], utc=True, format="mixed")
    raw["cents"] = raw["amount"].map(lambda text: int(Decimal(text) * 100))
    raw["status"] = raw["status"].replace("", "completed")
    # latest version of each order_id (one file: the last row), then drop cancelled ones
    orders = raw.groupby("order_id", sort=False).tail(1)
    orders = orders[orders["status"] != "cancelled"].copy()
    # a refunded order nets to zero; a negative amount is a refund transaction, not an order
    orders.loc[orders["status"] == "refunded", "cents"] = 0
    orders["is_refund"] = orders["cents"] < 0
    orders["month"] = orders["ordered_at"].dt.strftime("%Y-%m")
    first_month = orders[~orders["is_refund"]].groupby("customer_id")["month"].min()
    orders["is_new"] = orders["customer_id"].map(first_month) == orders["month"]
    result = {}
    for month, rows in orders.groupby("month"):
        new = int(rows.loc[rows["is_new"], "cents"].sum())
        returning = int(rows.loc[~rows["is_new"], "cents"].sum())
        result[month] = (new, returning)
    return result


@pytest.mark.integration
def test_new_vs_returning_revenue_matches_pandas(tmp_path):
    raw_folder = tmp_path / "raw"
    raw_folder.mkdir()
    (raw_folder / "orders.csv").write_text(ORDERS_CSV)
    warehouse = tmp_path / "warehouse.duckdb"
    load_raw_folder(raw_folder, warehouse)

    dbt_tmp = tmp_path / "dbt"
    env = {
        **os.environ,
        "PULSE_DUCKDB_PATH": str(warehouse),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }
    completed = subprocess.run(
        [
            "dbt",
            "build",
            "--profiles-dir",
            str(DBT_PROJECT),
            "--project-dir",
            str(DBT_PROJECT),
            "--target-path",
            str(dbt_tmp / "target"),
            "--log-path",
            str(dbt_tmp / "logs"),
            "--select",
            "+new_vs_returning",
            # only tests whose every parent is built here (the default, eager, also picks tests
            # joining fct_orders to marts outside this selection, which do not exist yet)
            "--indirect-selection",
            "cautious",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-5000:] + completed.stderr[-2000:]

    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            """
            select strftime(period_start, '%Y-%m'), new_revenue, returning_revenue
            from marts.new_vs_returning
            where grain = 'month'
            order by period_start
            """
        ).fetchall()
    from_dbt = {month: (int(new * 100), int(returning * 100)) for month, new, returning in rows}

    expected = independent_new_vs_returning_cents(raw_folder / "orders.csv")
    assert from_dbt == expected
    # the hand-made data really exercises the rules: carol's first order falls in February (UTC),
    # bob's refund transaction lowers February's returning revenue, alice's refunded order nets to 0
    assert expected == {
        "2024-01": (22550, 0),
        "2024-02": (5555, -2000),
        "2024-03": (1977, 3333),
        "2024-04": (1999, 7000),
    }
