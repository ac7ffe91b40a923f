"""A large table's suite checked in parts (pipeline/engine/duckdb_warehouse.py, SUITE_FRAME_ROWS): the rows
split by their uniqueness key, so every duplicate lands in one part, and the parts' verdicts add up to the
whole table's, failure for failure. At 100 M orders one frame of fct_orders took the run past 24 GB."""

import duckdb
import pandas as pd

from pipeline.engine import duckdb_warehouse
from pipeline.engine.duckdb_warehouse import DuckDBReader
from pipeline.expectations.validate import suite_columns, suite_key, validate_frames, validate_table
from tests.unit.test_quality_suites import good_orders


def orders_with_faults(copies: int) -> pd.DataFrame:
    """`copies` x the good orders under new ids, with faults spread over the rows: three duplicated ids
    (far apart), a missing customer, bad currencies and a negative gross amount."""
    frames = []
    for copy in range(copies):
        frame = good_orders().assign(order_id=lambda f, copy=copy: f["order_id"] + f"-{copy}")
        frames.append(frame)
    orders = pd.concat(frames, ignore_index=True)
    orders.loc[[5, 40, 77], "order_id"] = "dup"
    orders.loc[12, "customer_id"] = None
    orders.loc[[3, 50, 90], "currency"] = ["eur", "EURO", "eur"]
    orders.loc[61, "gross_amount"] = -1.0
    return orders


def test_the_parts_of_a_table_give_the_whole_tables_verdict(monkeypatch):
    orders = orders_with_faults(40)
    con = duckdb.connect()
    con.register("orders_frame", orders)
    con.execute("create schema marts")
    con.execute("create table marts.fct_orders as select * from orders_frame")
    monkeypatch.setattr(duckdb_warehouse, "SUITE_FRAME_ROWS", 25)
    columns = suite_columns("fct_orders")

    frames = list(DuckDBReader(con).suite_frames("marts.fct_orders", columns, suite_key("fct_orders")))
    assert len(frames) == 5 and sum(len(frame) for frame in frames) == len(orders)
    whole = validate_table("fct_orders", orders[columns])
    parts = validate_frames("fct_orders", iter(frames))

    assert not whole.success and not parts.success
    assert (parts.rows, parts.evaluated) == (whole.rows, whole.evaluated) == (120, 11)

    def verdicts(report):
        return sorted((f.expectation, f.column, f.unexpected_count) for f in report.failures)

    assert verdicts(parts) == verdicts(whole)
    assert ("expect_column_values_to_be_unique", "order_id", 3) in verdicts(parts)
    by_column = {failure.column: failure for failure in parts.failures}
    assert by_column["currency"].message == whole_message(whole, "currency")
    assert set(by_column["currency"].unexpected_values) == {"eur", "EURO"}


def whole_message(report, column: str) -> str:
    return next(failure.message for failure in report.failures if failure.column == column)


def test_a_table_that_fits_one_frame_is_one_frame_and_its_own_verdict():
    con = duckdb.connect()
    con.register("orders_frame", good_orders())
    con.execute("create schema marts")
    con.execute("create table marts.fct_orders as select * from orders_frame")
    columns = suite_columns("fct_orders")
    [frame] = DuckDBReader(con).suite_frames("marts.fct_orders", columns, suite_key("fct_orders"))
    assert validate_frames("fct_orders", iter([frame])).success


def test_a_suites_key_is_its_uniqueness_expectations_columns():
    assert suite_key("fct_orders") == ["order_id"]
    assert suite_key("ml_customer_features") == ["customer_id", "cutoff_date"]
    assert suite_key("quarantined_orders") == []  # no uniqueness: any split adds up
