"""A wrong file says so in one sentence, before dbt: most rows failing alike, or columns missing."""

import csv
from pathlib import Path

import duckdb
import pytest

from pipeline.raw.errors import RawDataError
from pipeline.raw.load import load_raw_folder
from tests.conftest import write_csv

HEADER = ["order_id", "customer_id", "ordered_at", "amount"]


def _load(tmp_path):
    return load_raw_folder(tmp_path / "raw", tmp_path / "w.duckdb")


def test_every_timestamp_unparseable_stops_the_run_in_one_sentence(tmp_path):
    rows = [[f"o{i}", "c", f"{i} days after Christmas", "10"] for i in range(1, 4)]
    write_csv(tmp_path / "raw/orders_export_1.csv", HEADER, rows)
    (tmp_path / "raw/orders_export_1.csv").rename(tmp_path / "raw/orders.csv")
    with pytest.raises(RawDataError) as error:
        _load(tmp_path)
    assert str(error.value) == (
        "orders.csv: 0 of 3 rows are clean: every ordered_at is unparseable, e.g. '1 days after Christmas' "
        "(data row 1); set PULSE_TIMESTAMP_FORMAT or see docs/data-contract.md#dates-and-numbers"
    )


def test_most_amounts_not_a_number_stop_the_run_and_the_previous_load_stays(tmp_path):
    write_csv(tmp_path / "raw/orders.csv", HEADER, [["o0", "c", "2024-01-01", "5"]])
    _load(tmp_path)
    rows = [["o1", "c", "2024-01-01", "10"]] + [[f"o{i}", "c", "2024-01-01", "ten"] for i in range(2, 5)]
    write_csv(tmp_path / "raw/orders.csv", HEADER, rows)
    with pytest.raises(RawDataError) as error:
        _load(tmp_path)
    assert str(error.value) == (
        "orders.csv: 1 of 4 rows are clean: 3 of the 4 amount values are not a number, e.g. 'ten' "
        "(data row 2); see docs/data-contract.md#dates-and-numbers"
    )
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.sql("select order_id from raw.orders").fetchall() == [("o0",)]


def test_blank_customer_keys_say_which_column_to_map(tmp_path):
    write_csv(
        tmp_path / "raw/orders.csv", HEADER, [["o1", "", "2024-01-01", "1"], ["o2", " ", "2024-01-01", "1"]]
    )
    with pytest.raises(
        RawDataError,
        match=r"^orders.csv: 0 of 2 rows are clean: every customer_id is blank, "
        r"e\.g\. data row 1; is the right column mapped\?",
    ):
        _load(tmp_path)


def test_a_minority_of_bad_rows_is_left_to_the_cleaning_step(tmp_path):
    rows = [["o1", "c", "2024-01-01", "10"], ["o2", "c", "2024-01-01", "10"], ["o3", "c", "nope", "x"]]
    write_csv(tmp_path / "raw/orders.csv", HEADER, rows)
    assert _load(tmp_path)["orders"]["rows"] == 3


def test_missing_columns_are_all_listed_with_the_header_near_matches(tmp_path):
    header = ["Name", "Email", "Financial Status", "Created at", "Totl", "Lineitem quantity"]
    write_csv(
        tmp_path / "raw/orders.csv", header, [["#1001", "a@example.com", "paid", "2024-01-01", "1", "1"]]
    )
    with pytest.raises(RawDataError) as error:
        _load(tmp_path)
    assert str(error.value) == (
        f"{tmp_path / 'raw/orders.csv'}: required columns 'order_id' (maybe 'Name'), 'customer_id' "
        "(maybe 'Email'), 'ordered_at' (maybe 'Created at'), 'amount' (maybe 'Totl') are missing from "
        "orders (found: Name, Email, Financial Status, Created at, Totl, Lineitem quantity). Rename those "
        "columns to the contract's names (docs/data-contract.md)"
    )


def test_one_missing_column_keeps_the_short_form_and_skips_columns_already_matched(tmp_path):
    write_csv(
        tmp_path / "raw/orders.csv",
        ["order_id", "customer_id", "orderd_at", "amount"],
        [["o", "c", "x", "1"]],
    )
    with pytest.raises(RawDataError, match=r"required column 'ordered_at' \(maybe 'orderd_at'\) is missing"):
        _load(tmp_path)


def test_a_shopify_export_with_unreadable_times_names_the_export_column(tmp_path):
    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "shopify" / "orders_export_1.csv"
    with fixture.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["Created at"] = "2.12.24 01:27"  # a two-digit year: no format reads it
    path = tmp_path / "raw" / fixture.name
    write_csv(path, list(rows[0]), [list(row.values()) for row in rows])
    with pytest.raises(RawDataError) as error:
        _load(tmp_path)
    assert str(error.value) == (
        "orders_export_1.csv: 0 of 12 orders are clean: every ordered_at ('Created at') is unparseable, "
        "e.g. '2.12.24 01:27' (data row 1); set PULSE_TIMESTAMP_FORMAT or see "
        "docs/data-contract.md#dates-and-numbers"
    )
