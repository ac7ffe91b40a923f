"""A shop with only an orders.csv, run through the CLI command the README gives for your own data.

One hand-made row per cleaning rule, so every quarantine reason, the duplicate collapse, the refund
netting and the as_of cut-off are checked against known answers, and the counts must reconcile.
"""

import json

import duckdb
import pytest
from deltalake import DeltaTable

from tests.conftest import ORDER_COLUMNS, run_paths, write_csv
from tests.integration.pipeline_runs import run_cli_materialize

pytestmark = pytest.mark.integration

AS_OF = "2025-06-01"  # a bare date: the whole day counts

ROWS = [
    # clean
    ["o1", "c1", "2025-01-05 10:00:00", "100.00", "completed", "EUR", "email", "C1"],
    ["o2", "c1", "2025-02-05T10:00:00+02:00", "50", "", "", "Organic", ""],
    ["o3", "c2", "2025-01-10", "80", "refunded", "EUR", "ads", ""],
    ["r1", "c2", "2025-01-12", "-20", "completed", "EUR", "ads", ""],
    ["o4", "c3", "2025-03-01", "30", "completed", "EUR", "direct", ""],  # collapsed: o4 comes again
    ["o4", "c3", "2025-03-01", "35", "completed", "EUR", "direct", ""],
    ["o15", "c5", "2025-06-01 23:00:00", "5", "completed", "EUR", "direct", ""],  # on the as_of date
    # excluded
    ["o5", "c3", "2025-03-02", "40", "cancelled", "EUR", "direct", ""],
    # invalid, one per reason
    ["", "c4", "2025-01-01", "10", "completed", "EUR", "", ""],
    ["o6", "", "2025-01-01", "10", "completed", "EUR", "", ""],
    ["o7", "c4", "", "10", "completed", "EUR", "", ""],
    ["o8", "c4", "not-a-date", "10", "completed", "EUR", "", ""],
    ["o9", "c4", "2099-01-01", "10", "completed", "EUR", "", ""],
    ["o10", "c4", "2025-01-01", " ", "completed", "EUR", "", ""],
    ["o11", "c4", "2025-01-01", "12,5O", "completed", "EUR", "", ""],
    ["o12", "c4", "2025-01-01", "10", "completed", "XXX", "", ""],
    ["o13", "c4", "2025-01-01", "10", "lost_in_space", "EUR", "", ""],
    # after as_of: left out, counted apart
    ["o14", "c5", "2025-06-15", "70", "completed", "EUR", "direct", ""],
]

EXPECTED_REASONS = {
    9: "missing_order_id",
    10: "missing_customer_id",
    11: "missing_timestamp",
    12: "unparseable_timestamp",
    13: "future_timestamp",
    14: "missing_amount",
    15: "non_numeric_amount",
    16: "unknown_currency",
    17: "unknown_status",
    8: "cancelled",
}


@pytest.fixture(scope="module")
def orders_only_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("orders_only")
    write_csv(tmp / "raw/orders.csv", ORDER_COLUMNS, ROWS)
    env = {
        **run_paths(tmp),
        "PULSE_AS_OF": AS_OF,
    }
    result = run_cli_materialize(env, tmp)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return tmp


def _query(run_dir, sql):
    with duckdb.connect(str(run_dir / "warehouse.duckdb"), read_only=True) as con:
        return con.sql(sql).fetchall()


def test_every_quarantine_reason_points_at_its_row(orders_only_run):
    rows = _query(orders_only_run, "select source_row, reason, reason_kind from marts.quarantined_orders")
    assert {row: reason for row, reason, _ in rows} == EXPECTED_REASONS
    assert {kind for row, _, kind in rows if row != 8} == {"invalid"}
    assert [kind for row, _, kind in rows if row == 8] == ["excluded"]


def test_counts_reconcile(orders_only_run):
    [(raw, clean, quarantined, duplicates, after)] = _query(
        orders_only_run,
        "select raw_rows, clean_rows, quarantined_rows, duplicates_collapsed, after_as_of_rows"
        " from marts.order_reconciliation",
    )
    assert (raw, clean, quarantined, duplicates, after) == (18, 6, 10, 1, 1)
    assert raw == clean + quarantined + duplicates + after


def test_as_of_cuts_off_later_orders_and_keeps_the_whole_as_of_day(orders_only_run):
    order_ids = {r[0] for r in _query(orders_only_run, "select order_id from marts.fct_orders")}
    assert order_ids == {"o1", "o2", "o3", "r1", "o4", "o15"}
    [(as_of,)] = _query(orders_only_run, "select cast(as_of as date) from marts.order_reconciliation")
    assert str(as_of) == AS_OF


def test_cleaning_normalises_and_nets(orders_only_run):
    rows = dict(
        (r[0], r[1:])
        for r in _query(
            orders_only_run,
            "select order_id, cast(ordered_at as varchar), amount, refunded_amount, is_refund, currency,"
            " channel from marts.fct_orders",
        )
    )
    assert rows["o2"][0] == "2025-02-05 08:00:00"  # +02:00 normalised to UTC
    assert rows["o2"][4:] == ("EUR", "Organic")  # default currency; the channel as the shop wrote it
    assert float(rows["o3"][1]) == 0 and float(rows["o3"][2]) == 80  # refunded order nets to zero
    assert float(rows["r1"][1]) == -20 and rows["r1"][3] is True  # refund transaction
    assert float(rows["o4"][1]) == 35  # the latest version won


def test_published_tables_are_readable_delta_tables(orders_only_run):
    published = orders_only_run / "published"
    assert DeltaTable(str(published / "fct_orders")).to_pyarrow_table().num_rows == 6
    quarantined = DeltaTable(str(published / "quarantined_orders")).to_pyarrow_table().to_pylist()
    assert sorted(r["reason"] for r in quarantined) == sorted(EXPECTED_REASONS.values())
    assert json.loads((published / "_manifest.json").read_text())["tables"]["fct_orders"]["rows"] == 6


def test_a_five_customer_shop_publishes_with_every_target_withheld_and_says_why(orders_only_run):
    published = orders_only_run / "published"
    predictions = DeltaTable(str(published / "customer_predictions")).to_pyarrow_table().to_pylist()
    customers = _query(orders_only_run, "select count(*) from marts.customers")[0][0]
    assert len(predictions) == customers
    for row in predictions:
        # five customers are too few to predict honestly: every target is withheld, its columns empty
        for target, column in (("purchase", "purchase_probability_30d"), ("churn", "churn_probability")):
            assert row[column] is None and row[f"{target}_prediction_source"] == "withheld"
        assert row["predicted_clv"] is None and row["predictive_cell"] is None
    assert DeltaTable(str(published / "customer_category_propensity")).to_pyarrow_table().num_rows == 0
    metrics = DeltaTable(str(published / "model_metrics")).to_pyarrow_table().to_pylist()
    reasons = {row["model"]: row["reason"] for row in metrics}
    assert "no category" in reasons["category_propensity"]
    for model in ("purchase", "churn", "clv", "next_order"):
        assert reasons[model] == f"{customers} customers with orders, needs 200", reasons[model]
    # audiences reading a withheld column are empty and say why; the analytics tables are all there
    audiences = DeltaTable(str(published / "audiences")).to_pyarrow_table().to_pylist()
    win_back = next(row for row in audiences if row["audience"] == "win_back_high_value")
    assert win_back["members"] == 0 and win_back["note"].startswith("empty: churn_probability is withheld")
    # every empty audience says why, including those that read no prediction (no match, nobody reachable)
    assert all(row["note"].startswith("empty: ") for row in audiences if row["members"] == 0), audiences
    assert DeltaTable(str(published / "customers")).to_pyarrow_table().num_rows == customers


def test_category_segments_of_a_shop_without_categories_read_no_feature_rows(orders_only_run):
    from pipeline.defs.ml.inputs import read_prediction_inputs
    from pipeline.engine.duckdb_warehouse import DuckDBWarehouse

    warehouse = DuckDBWarehouse(orders_only_run / "warehouse.duckdb")
    every = read_prediction_inputs(warehouse)
    for_segments = read_prediction_inputs(warehouse, features_without_categories=False)
    assert every.category_labels.empty and len(every.features) > 0
    # the same columns and types, no rows: the segments are empty without reading every customer
    assert for_segments.features.empty
    assert dict(for_segments.features.dtypes) == dict(every.features.dtypes)
    assert (
        DeltaTable(str(orders_only_run / "published" / "category_segments")).to_pyarrow_table().num_rows == 0
    )
