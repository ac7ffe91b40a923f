"""A large keyed table that changed in a few rows is published by Delta MERGE of those rows only, and the
version it commits holds exactly the warehouse table (updated, corrected, removed and new rows alike); a
table that changed too much, or changed its columns, is rewritten whole as before."""

import shutil
from functools import partial

import duckdb
import pyarrow as pa
import pytest
from deltalake import DeltaTable

from pipeline.engine.duckdb_tables import content_fingerprint, table_reader
from pipeline.storage import TableSource, open_store, publish_run
from pipeline.storage.manifest import load_manifest
from pipeline.warehouse_changes import changed_rows

RELATION = "marts.fct_orders"
ROWS = 2_000


@pytest.fixture
def warehouse(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("create schema marts")
    con.execute(
        f"""
        create table {RELATION} as
        select
            'O' || lpad(cast(i as varchar), 6, '0') as order_id,
            cast(i % 97 + 0.5 as decimal(18, 2)) as amount,
            timestamp '2025-01-01 08:00:00' + to_minutes(i * 37) as ordered_at,
            case when i % 5 = 0 then null else 'web' end as channel,
            i / 7.0 as score
        from range({ROWS}) as numbers(i)
        """
    )
    yield con
    con.close()


def _publish(store, con, run_id: str, lines: list[str]) -> dict:
    source = TableSource(
        "fct_orders",
        partial(table_reader, con, RELATION),
        fingerprint=partial(content_fingerprint, con, RELATION),
        changes=partial(changed_rows, con, RELATION, ("order_id",)),
        merge_key=("order_id",),
    )
    return publish_run(
        store,
        run_id=run_id,
        as_of="2026-01-01 00:00:00",
        as_of_source="latest_order",
        tables=[source],
        progress=lines.append,
        merge_min_rows=1_000,
    )


def _published_rows(store) -> list[tuple]:
    table = _delta(store).to_pyarrow_table()
    return sorted(
        zip(*[table.column(name).to_pylist() for name in table.column_names], strict=True),
        key=lambda row: row[0],
    )


def _warehouse_rows(con) -> list[tuple]:
    # published timestamps are UTC instants: the warehouse's zone-less UTC values, labelled
    table = con.sql(f"select * from {RELATION} order by order_id").to_arrow_table()
    table = table.set_column(2, "ordered_at", table.column("ordered_at").cast(pa.timestamp("us", tz="UTC")))
    return list(zip(*[table.column(name).to_pylist() for name in table.column_names], strict=True))


def _delta(store) -> DeltaTable:
    return DeltaTable(store.uri("fct_orders"), storage_options=store.delta_storage_options)


def _last_commit(store) -> dict:
    return _delta(store).history(1)[0]


@pytest.fixture(params=["local folder", "S3"])
def store(request, tmp_path):
    if request.param == "S3":  # the same MERGE through a real S3 API (moto's server)
        endpoint = request.getfixturevalue("s3_endpoint")
        return open_store(f"s3://{request.getfixturevalue('s3_bucket')}/pulse", endpoint)
    return open_store(str(tmp_path / "published"))


def test_a_few_changed_rows_are_merged_and_the_table_equals_the_warehouse(store, warehouse):
    lines = []
    _publish(store, warehouse, "run-1", lines)
    # the next export: corrected amounts, a refund, a channel filled in, removed orders and new ones
    warehouse.execute(f"update {RELATION} set amount = amount + 10 where order_id in ('O000003', 'O000500')")
    warehouse.execute(f"update {RELATION} set amount = 0 where order_id = 'O001999'")
    warehouse.execute(f"update {RELATION} set channel = 'email' where order_id = 'O000005'")
    warehouse.execute(
        f"update {RELATION} set ordered_at = ordered_at + interval 1 hour where order_id = 'O000010'"
    )
    warehouse.execute(f"delete from {RELATION} where order_id in ('O000007', 'O001234')")
    warehouse.execute(
        f"insert into {RELATION} values ('N000001', 12.30, timestamp '2026-01-02 09:00:00', null, 1.5), "
        "('N000002', 45.60, timestamp '2026-01-02 10:00:00', 'web', 2.5)"
    )

    manifest = _publish(store, warehouse, "run-2", lines)

    commit = _last_commit(store)
    assert commit["operation"] == "MERGE"
    metrics = commit["operationMetrics"]
    assert metrics["num_source_rows"] == 5 + 2 + 2  # only the changed, removed and new rows were sent
    assert (metrics["num_target_rows_updated"], metrics["num_target_rows_deleted"]) == (5, 2)
    assert metrics["num_target_rows_inserted"] == 2
    assert _published_rows(store) == _warehouse_rows(warehouse)
    entry = manifest["tables"]["fct_orders"]
    assert entry["rows"] == ROWS and entry["version"] == 1 and entry["run_id"] == "run-2"
    assert entry["merged"] == {"rows_new_or_changed": 7, "rows_removed": 2}
    assert entry == load_manifest(store)["tables"]["fct_orders"]
    assert any("1 by MERGE (7 rows new or changed, 2 removed)" in line for line in lines), lines


def test_a_table_that_changed_too_much_or_changed_its_columns_is_rewritten(tmp_path, warehouse):
    store, lines = open_store(str(tmp_path / "published")), []
    _publish(store, warehouse, "run-1", lines)
    warehouse.execute(f"update {RELATION} set amount = amount + 1 where order_id < 'O000900'")  # 45 %
    _publish(store, warehouse, "run-2", lines)
    assert _last_commit(store)["operation"] != "MERGE"
    assert _published_rows(store) == _warehouse_rows(warehouse)

    warehouse.execute(f"alter table {RELATION} add column note varchar")
    warehouse.execute(f"update {RELATION} set note = 'x' where order_id = 'O000001'")
    _publish(store, warehouse, "run-3", lines)
    assert _last_commit(store)["operation"] != "MERGE"
    assert _delta(store).schema().to_arrow().names[-1] == "note"


def test_an_unchanged_table_is_neither_merged_nor_rewritten(tmp_path, warehouse):
    store, lines = open_store(str(tmp_path / "published")), []
    _publish(store, warehouse, "run-1", lines)
    manifest = _publish(store, warehouse, "run-2", lines)
    assert manifest["tables"]["fct_orders"]["run_id"] == "run-1"
    assert _delta(store).version() == 0


def test_a_copied_publish_folder_names_its_own_tables_when_they_are_kept(tmp_path, warehouse):
    lines = []
    _publish(open_store(str(tmp_path / "published")), warehouse, "run-1", lines)
    shutil.copytree(tmp_path / "published", tmp_path / "copy")  # a folder synced elsewhere, manifest and all
    copy = open_store(str(tmp_path / "copy"))
    manifest = _publish(copy, warehouse, "run-2", lines)
    entry = manifest["tables"]["fct_orders"]
    assert entry["run_id"] == "run-1"  # unchanged: kept, not rewritten
    assert entry["uri"] == copy.uri("fct_orders") != open_store(str(tmp_path / "published")).uri("fct_orders")


def test_rows_compare_in_utc_whatever_the_sessions_zone_and_the_zone_is_left_as_it_was(store, warehouse):
    # zone-less warehouse times against published UTC instants, in a session set to another zone
    warehouse.execute("set TimeZone = 'America/New_York'")
    lines = []
    _publish(store, warehouse, "run-1", lines)
    warehouse.execute(f"update {RELATION} set amount = amount + 1 where order_id = 'O000042'")
    manifest = _publish(store, warehouse, "run-2", lines)
    assert manifest["tables"]["fct_orders"]["merged"] == {"rows_new_or_changed": 1, "rows_removed": 0}
    assert warehouse.sql("select current_setting('TimeZone')").fetchall() == [("America/New_York",)]
