import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.raw.errors import RawDataError
from pipeline.raw.load import load_raw_folder
from tests.conftest import write_csv


def _rows(db, table):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql(f"select * from raw.{table} order by _source_file, _source_row").fetchall()


def test_a_folder_with_only_orders_loads_and_optional_entities_are_empty(tmp_path):
    write_csv(
        tmp_path / "raw/orders.csv",
        ["Order_ID ", "customer_id", "ordered_at", "amount"],
        [[1, "a", "2024-01-01", "9.5"]],
    )
    summary = load_raw_folder(tmp_path / "raw", tmp_path / "w.duckdb")
    assert summary["orders"] == {"rows": 1, "files": ["orders.csv"]}
    assert summary["customers"]["rows"] == 0 and summary["order_items"]["files"] == []
    # header matched case-insensitively; absent optional columns are null; lineage points at the file row
    assert _rows(tmp_path / "w.duckdb", "orders") == [
        ("1", "a", "2024-01-01", "9.5", None, None, None, None, "orders.csv", 1)
    ]


def test_missing_required_column_names_the_file_and_the_column(tmp_path):
    write_csv(
        tmp_path / "raw/orders.csv", ["order_id", "customer_id", "ordered_at"], [[1, "a", "2024-01-01"]]
    )
    with pytest.raises(RawDataError, match=r"orders\.csv: required column 'amount' is missing"):
        load_raw_folder(tmp_path / "raw", tmp_path / "w.duckdb")


def test_missing_required_file_is_named(tmp_path):
    write_csv(tmp_path / "raw/customers.csv", ["customer_id"], [["a"]])
    with pytest.raises(RawDataError, match="required file 'orders' is missing"):
        load_raw_folder(tmp_path / "raw", tmp_path / "w.duckdb")


def test_missing_folder_is_named(tmp_path):
    with pytest.raises(RawDataError, match="does not exist"):
        load_raw_folder(tmp_path / "nowhere", tmp_path / "w.duckdb")


def test_parquet_parts_in_a_folder_load_as_text_in_file_order(tmp_path):
    parts = tmp_path / "raw/orders"
    parts.mkdir(parents=True)
    for i, amount in enumerate([10.0, -2.5]):
        table = pa.table(
            {
                "order_id": [f"o{i}"],
                "customer_id": ["c"],
                "ordered_at": [f"2024-01-0{i + 1}"],
                "amount": pa.array([amount]),
            }
        )
        pq.write_table(table, parts / f"part-{i}.parquet")
    load_raw_folder(tmp_path / "raw", tmp_path / "w.duckdb")
    rows = _rows(tmp_path / "w.duckdb", "orders")
    assert [(r[0], r[3], r[8], r[9]) for r in rows] == [
        ("o0", "10", "orders/part-0.parquet", 1),
        ("o1", "-2.5", "orders/part-1.parquet", 1),
    ]


def test_two_forms_of_the_same_entity_are_refused(tmp_path):
    header = ["order_id", "customer_id", "ordered_at", "amount"]
    write_csv(tmp_path / "raw/orders.csv", header, [])
    pq.write_table(pa.table({c: pa.array([], pa.string()) for c in header}), tmp_path / "raw/orders.parquet")
    with pytest.raises(RawDataError, match="several files for 'orders'"):
        load_raw_folder(tmp_path / "raw", tmp_path / "w.duckdb")


def test_a_ragged_csv_row_is_reported_with_the_file(tmp_path):
    path = tmp_path / "raw/orders.csv"
    path.parent.mkdir(parents=True)
    path.write_text("order_id,customer_id,ordered_at,amount\n1,a,2024-01-01,1\n2,b,2024-01-02\n")
    with pytest.raises(RawDataError, match=r"orders\.csv: cannot read orders"):
        load_raw_folder(tmp_path / "raw", tmp_path / "w.duckdb")
