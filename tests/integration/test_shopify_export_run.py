"""A Shopify "Export orders" file as a new user drops it in: loaded by its preset, cleaned by dbt, and every
order and refund of the export accounted for in the clean and quarantined orders."""

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline.raw.load import load_raw_folder
from pipeline.settings import PulseSettings
from tests.integration.pipeline_runs import run_dbt

pytestmark = pytest.mark.integration

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "shopify" / "orders_export_1.csv"
MODELS = "+fct_orders +quarantined_orders +order_reconciliation"


@pytest.fixture(scope="module")
def shopify_warehouse(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shopify")
    raw = tmp / "raw"
    raw.mkdir()
    shutil.copy(FIXTURE, raw / FIXTURE.name)
    warehouse = tmp / "warehouse.duckdb"
    load_raw_folder(raw, warehouse)
    settings = PulseSettings.from_env({"PULSE_DUCKDB_PATH": str(warehouse), "PULSE_RAW_PATH": str(raw)})
    run_dbt(["build", "--select", MODELS, "--indirect-selection", "cautious"], settings, tmp)
    return warehouse


def _query(warehouse, sql):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql(sql).fetchall()


def test_clean_orders_reconcile_with_the_export(shopify_warehouse):
    with FIXTURE.open(newline="", encoding="utf-8") as handle:
        first_rows = [r for r in csv.DictReader(handle) if r["Financial Status"]]
    cancelled = {r["Name"] for r in first_rows if r["Financial Status"] == "voided" or r["Cancelled at"]}
    refunds = [r for r in first_rows if r["Financial Status"] == "partially_refunded"]
    [(raw, clean, quarantined, duplicates, after)] = _query(
        shopify_warehouse,
        "select raw_rows, clean_rows, quarantined_rows, duplicates_collapsed, after_as_of_rows"
        " from marts.order_reconciliation",
    )
    assert raw == len(first_rows) + len(refunds)
    assert (clean, quarantined, duplicates, after) == (raw - len(cancelled), len(cancelled), 0, 0)
    quarantine = _query(shopify_warehouse, "select order_id, reason from marts.quarantined_orders")
    assert sorted(quarantine) == sorted((name, "cancelled") for name in cancelled)
    [(orders, refund_rows, net)] = _query(
        shopify_warehouse,
        "select count(*) filter (where not is_refund), count(*) filter (where is_refund), sum(amount)"
        " from marts.fct_orders",
    )
    assert (orders, refund_rows) == (len(first_rows) - len(cancelled), len(refunds))
    kept = [r for r in first_rows if r["Name"] not in cancelled]
    expected_net = sum(
        float(r["Total"]) - float(r["Refunded Amount"] or 0)
        for r in kept
        if r["Financial Status"] != "refunded"
    )
    assert float(net) == pytest.approx(expected_net)


def test_no_plain_email_or_phone_reaches_the_cleaned_orders(shopify_warehouse):
    keys = _query(shopify_warehouse, "select distinct customer_id from marts.fct_orders")
    assert keys and all(key.startswith("pk_") for (key,) in keys)  # every Shopify key is an e-mail or phone
