"""Shopify and WooCommerce exports, recognised and mapped onto the contract, every order and refund kept."""

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline.raw.errors import RawDataError
from pipeline.raw.load import load_raw_folder
from pipeline.settings.sources import SourceSettings
from tests.conftest import write_csv

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SHOPIFY = FIXTURES / "shopify" / "orders_export_1.csv"
WOO = FIXTURES / "woocommerce" / "orders-export-2024-07-31.csv"


def _copy(tmp_path, *files) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    for file in files:
        shutil.copy(file, raw / file.name)
    return raw


def _query(tmp_path, sql):
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        return con.sql(sql).fetchall()


def _fixture_rows(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_shopify_export_is_recognised_and_every_order_and_refund_is_accounted_for(tmp_path):
    summary = load_raw_folder(_copy(tmp_path, SHOPIFY), tmp_path / "w.duckdb")
    rows = _fixture_rows(SHOPIFY)
    first_rows = [r for r in rows if r["Financial Status"]]  # order-level fields: first line item only
    refunds = {
        r["Name"]: r["Refunded Amount"] for r in first_rows if r["Financial Status"] == "partially_refunded"
    }
    assert summary["notes"][0] == (
        "Shopify export (orders_export_1.csv; PULSE_SOURCE_FORMAT overrides): 18 line-item rows -> 12 orders "
        "and 1 refund, 18 order items, 5 products, 8 customers"
    )
    orders = dict(
        (r[0], r[1:]) for r in _query(tmp_path, "select order_id, amount, status, ordered_at from raw.orders")
    )
    # reconciliation: one row per order in the export, plus one per partial refund, nothing else
    assert set(orders) == {r["Name"] for r in first_rows} | {f"{name}-refund" for name in refunds}
    assert len(orders) == summary["orders"]["rows"] == len(first_rows) + len(refunds)
    for row in first_rows:
        assert orders[row["Name"]][0] == row["Total"]
    assert {name: orders[f"{name}-refund"][0] for name in refunds} == {n: f"-{a}" for n, a in refunds.items()}
    statuses = {r["Name"]: orders[r["Name"]][1] for r in first_rows}
    assert statuses["#1010"] == "refunded" and statuses["#1009"] == "cancelled"  # refunded, voided
    assert statuses["#1004"] == "cancelled"  # paid but with a Cancelled at
    assert orders["#1012"][2] == "2024-12-02T00:27:53Z"  # Shopify's '2024-12-02 01:27:53 +0100'
    items = _query(tmp_path, "select count(*), sum(cast(quantity as int)) from raw.order_items")[0]
    assert items == (len(rows), sum(int(r["Lineitem quantity"]) for r in rows))
    assert _query(tmp_path, "select category from raw.products where product_id = 'MUG-01'") == [
        ("Fjord Ceramics",)
    ]
    opt_ins = dict(_query(tmp_path, "select email, email_opt_in from raw.customers where email is not null"))
    assert opt_ins["anna.berg@example.com"] == "yes" and opt_ins["ben.olsen@example.com"] == "no"


def test_a_woocommerce_export_is_recognised_and_mapped(tmp_path):
    summary = load_raw_folder(_copy(tmp_path, WOO), tmp_path / "w.duckdb")
    rows = _fixture_rows(WOO)
    order_ids = list(dict.fromkeys(r["Order ID"] for r in rows))
    partly = {
        r["Order ID"]
        for r in rows
        if r["Order Refund Amount"] not in ("0", "") and r["Order Status"] == "wc-completed"
    }
    assert summary["notes"][0].startswith("WooCommerce export (orders-export-2024-07-31.csv")
    orders = dict(
        (r[0], r[1:])
        for r in _query(tmp_path, "select order_id, status, amount, customer_id from raw.orders")
    )
    assert set(orders) == set(order_ids) | {f"{o}-refund" for o in partly}
    assert {o: orders[o][0] for o in ("2201", "2203", "2204", "2205", "2207", "2208")} == {
        "2201": "completed", "2203": "refunded", "2204": "completed", "2205": "cancelled",
        "2207": "completed", "2208": "cancelled",
    }  # fmt: skip
    assert orders["2206-refund"][1] == "-18.90"  # the plugin wrote the refund as -18.90: still one minus
    # a registered customer keeps the shop's id; a guest is keyed by e-mail, pseudonymised
    assert orders["2202"][2] == "14" and orders["2201"][2].startswith("pk_")
    assert _query(tmp_path, "select count(*) from raw.order_items")[0][0] == len(rows)


def test_a_contract_orders_file_wins_over_auto_detection_and_contract_format_ignores_exports(tmp_path):
    raw = _copy(tmp_path, SHOPIFY)
    with pytest.raises(RawDataError, match="required file 'orders' is missing"):
        load_raw_folder(raw, tmp_path / "w.duckdb", SourceSettings(source_format="contract"))
    write_csv(
        raw / "orders.csv",
        ["order_id", "customer_id", "ordered_at", "amount"],
        [["o1", "c", "2024-01-01", "1"]],
    )
    assert load_raw_folder(raw, tmp_path / "w.duckdb")["orders"]["rows"] == 1


def test_a_forced_preset_without_its_export_says_what_it_looked_for(tmp_path):
    raw = _copy(tmp_path, SHOPIFY)
    with pytest.raises(
        RawDataError, match=r"PULSE_SOURCE_FORMAT=woocommerce but no WooCommerce export is there"
    ):
        load_raw_folder(raw, tmp_path / "w.duckdb", SourceSettings(source_format="woocommerce"))


def test_a_file_named_like_a_shopify_export_with_another_header_says_what_it_lacks(tmp_path):
    write_csv(
        tmp_path / "raw/orders_export_1.csv", ["Name", "Email", "Total"], [["#1", "a@example.com", "1"]]
    )
    with pytest.raises(
        RawDataError,
        match=r"orders_export_1.csv: named like a Shopify export but its header "
        r"lacks Financial Status, Lineitem quantity",
    ):
        load_raw_folder(tmp_path / "raw", tmp_path / "w.duckdb")


def test_the_plugin_field_labels_of_older_woocommerce_exports_are_read_too(tmp_path):
    header = ["Order Number", "Order Status", "Order Date", "Customer User Id", "Email (Billing)",
              "Phone (Billing)", "Country Code (Billing)", "Order Total Amount", "Currency", "Item #", "SKU",
              "Name", "Quantity", "Price"]  # fmt: skip
    rows = [
        ["71", "completed", "2024-05-01 10:00:00", "0", "guest@example.org", "", "FR", "20.00", "EUR"]
        + ["1", "A", "Jam", "2", "10.00"],
        ["72", "wc-cancelled", "2024-05-02 10:00:00", "3", "x@example.org", "", "FR", "5.00", "EUR"]
        + ["1", "B", "Tea", "1", "5.00"],
    ]
    write_csv(tmp_path / "raw/export.csv", header, rows)
    summary = load_raw_folder(tmp_path / "raw", tmp_path / "w.duckdb")
    assert summary["notes"][0].startswith("WooCommerce export (export.csv")
    orders = _query(tmp_path, "select order_id, status, amount, currency from raw.orders order by 1")
    assert orders == [("71", "completed", "20.00", "EUR"), ("72", "cancelled", "5.00", "EUR")]
    items = _query(
        tmp_path, "select order_id, product_id, quantity, unit_price from raw.order_items order by 1"
    )
    assert items == [("71", "A", "2", "10.00"), ("72", "B", "1", "5.00")]
    assert _query(tmp_path, "select name from raw.products order by 1") == [("Jam",), ("Tea",)]
