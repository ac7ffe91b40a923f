"""A load does not read again the entities whose files are exactly what the last load read (a schedule
mostly finds the same events and catalogue), reads every changed one, and reads all of them on a full
refresh or after a load that keyed contacts (pipeline/raw/unchanged_files.py). A mapped export is kept
whole or read whole: its mapping's bytes are part of how it is read."""

import os

import duckdb

from demo_shop.panel_export import write_panel_export
from demo_shop.shapes import write_shape
from pipeline.raw.load import load_raw_folder
from pipeline.settings.sources import SourceSettings
from tests.conftest import write_csv

ORDERS = ["order_id", "customer_id", "ordered_at", "amount"]
EVENTS = ["customer_id", "event_at", "event_type"]


def _shop(folder, orders: list[list[object]]) -> None:
    write_csv(folder / "orders.csv", ORDERS, orders)
    write_csv(folder / "web_events.csv", EVENTS, [["c1", "2024-01-01T10:00:00Z", "page_view"]])


def _mark(db, table: str) -> None:
    """Plant a value a fresh read of the file would not have: it survives only if the table is kept."""
    with duckdb.connect(str(db)) as con:
        con.execute(f"update raw.{table} set customer_id = 'kept'")


def _customers(db, table: str) -> set[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {row[0] for row in con.sql(f"select customer_id from raw.{table}").fetchall()}


def test_unchanged_files_are_kept_changed_ones_read_and_a_full_refresh_reads_all(tmp_path):
    raw, db = tmp_path / "raw", tmp_path / "w.duckdb"
    _shop(raw, [["o1", "c1", "2024-01-01", "10"]])
    load_raw_folder(raw, db)
    _mark(db, "orders")
    _mark(db, "web_events")

    again = load_raw_folder(raw, db)
    assert _customers(db, "orders") == _customers(db, "web_events") == {"kept"}
    assert again["orders"]["unchanged"] and again["orders"]["rows"] == 1  # the kept table's count
    assert any("Not read again" in note and "orders" in note for note in again["notes"]), again["notes"]

    # six hours later: a new order in the export; the events file is the same
    write_csv(raw / "orders.csv", ORDERS, [["o1", "c1", "2024-01-01", "10"], ["o2", "c2", "2024-01-02", "5"]])
    later = load_raw_folder(raw, db)
    assert _customers(db, "orders") == {"c1", "c2"} and later["orders"]["rows"] == 2
    assert "unchanged" not in later["orders"]
    assert _customers(db, "web_events") == {"kept"}

    load_raw_folder(raw, db, reload=True)
    assert _customers(db, "web_events") == {"c1"}


def test_a_file_rewritten_with_a_new_time_is_read_again(tmp_path):
    raw, db = tmp_path / "raw", tmp_path / "w.duckdb"
    _shop(raw, [["o1", "c1", "2024-01-01", "10"]])
    load_raw_folder(raw, db)
    _mark(db, "web_events")
    stat = (raw / "web_events.csv").stat()
    os.utime(raw / "web_events.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    load_raw_folder(raw, db)
    assert _customers(db, "web_events") == {"c1"}


def test_after_a_load_that_keyed_contacts_every_file_is_read_again(tmp_path):
    raw, db = tmp_path / "raw", tmp_path / "w.duckdb"
    # customer keys that are e-mails: pseudonymised, their contacts gathered from every entity's rows
    _shop(raw, [["o1", "ann@example.com", "2024-01-01", "10"]])
    load_raw_folder(raw, db)
    _mark(db, "web_events")
    load_raw_folder(raw, db)
    assert _customers(db, "web_events") != {"kept"}


def test_the_same_files_in_another_folder_are_read(tmp_path):
    db = tmp_path / "w.duckdb"
    _shop(tmp_path / "raw", [["o1", "c1", "2024-01-01", "10"]])
    load_raw_folder(tmp_path / "raw", db)
    _mark(db, "web_events")
    (tmp_path / "raw").rename(tmp_path / "moved")  # names, sizes and times all the same
    load_raw_folder(tmp_path / "moved", db)
    assert _customers(db, "web_events") == {"c1"}


def test_a_new_orders_file_in_the_orders_folder_is_the_only_one_read(tmp_path):
    raw, db = tmp_path / "raw", tmp_path / "w.duckdb"
    write_csv(raw / "orders/orders-0000.csv", ORDERS, [["o1", "c1", "2024-01-01", "10"]])
    load_raw_folder(raw, db)
    _mark(db, "orders")  # the first file's rows: kept only if that file is not read again
    write_csv(raw / "orders/orders-0001.csv", ORDERS, [["o2", "c2", "2024-01-02", "5"]])
    later = load_raw_folder(raw, db)
    assert later["orders"]["appended"] == ["orders/orders-0001.csv"] and later["orders"]["rows"] == 2
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.sql("select customer_id, _source_file, _source_row from raw.orders order by 2").fetchall()
    assert rows == [("kept", "orders/orders-0000.csv", 1), ("c2", "orders/orders-0001.csv", 1)]
    assert any("only the new file(s) read" in note for note in later["notes"]), later["notes"]

    # the first file re-exported: everything is read again
    write_csv(raw / "orders/orders-0000.csv", ORDERS, [["o1", "c1", "2024-01-01", "12"]])
    load_raw_folder(raw, db)
    assert _customers(db, "orders") == {"c1", "c2"}


def test_a_record_written_by_an_earlier_version_reads_everything_once(tmp_path):
    raw, db = tmp_path / "raw", tmp_path / "w.duckdb"
    _shop(raw, [["o1", "c1", "2024-01-01", "10"]])
    load_raw_folder(raw, db)
    _mark(db, "web_events")
    with duckdb.connect(str(db)) as con:  # the first layout: one signature per entity
        con.execute("create or replace table pipeline_state.loaded_files (entity varchar, signature varchar)")
    load_raw_folder(raw, db)
    assert _customers(db, "web_events") == {"c1"}


def test_a_mapped_export_is_kept_until_its_files_or_its_mapping_change(tmp_path):
    write_shape("category_drift", tmp_path / "shape", customers=60, seed=5)
    raw, db, options = tmp_path / "raw", tmp_path / "w.duckdb", SourceSettings(pseudonym_salt="s")
    write_panel_export(tmp_path / "shape", raw, seed=5)
    first = load_raw_folder(raw, db, options)
    assert any("order lines into" in note for note in first["notes"]), first["notes"]
    _mark(db, "orders")

    again = load_raw_folder(raw, db, options)
    assert _customers(db, "orders") == {"kept"} and again["orders"]["unchanged"]
    assert again["orders"]["rows"] == first["orders"]["rows"] and again["order_items"]["unchanged"]

    # an edited mapping is a new way of reading the same files: every mapped table is read again
    mapping = raw / "pulse_mapping.yml"
    mapping.write_text(mapping.read_text() + "# reviewed\n")
    edited = load_raw_folder(raw, db, options)
    assert "kept" not in _customers(db, "orders") and "unchanged" not in edited["orders"]
    assert any("order lines into" in note for note in edited["notes"]), edited["notes"]

    _mark(db, "orders")
    stat = (raw / "transaction_data.csv").stat()
    os.utime(raw / "transaction_data.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    load_raw_folder(raw, db, options)  # the export written again: read again, whole
    assert "kept" not in _customers(db, "orders")
