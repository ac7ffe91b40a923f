"""Publishing runs end to end through the storage module, on a local folder and on a real S3 API (moto's
server over HTTP): a full publish, failures half-way at every stage, versions, rollback and retention.

No Dagster here: the pipeline's publish step calls exactly `publish_run` and `apply_retention`.
"""

import json
import uuid
from datetime import datetime, timedelta
from functools import partial

import boto3
import duckdb
import pyarrow as pa
import pytest
from deltalake import DeltaTable, write_deltalake

from pipeline.engine.duckdb_tables import content_fingerprint, table_reader
from pipeline.storage import (
    PublishError,
    RollbackError,
    TableSource,
    apply_retention,
    delta_tables,
    locations,
    open_store,
    publication,
    publish_run,
    read_manifest,
    rollback,
    run_history,
)
from pipeline.storage.__main__ import main as storage_cli
from pipeline.storage.manifest import load_manifest, load_run_manifest, published_at
from pipeline.storage.snapshot import PublishedSnapshot
from tests.conftest import S3_TEST_CREDENTIALS
from tests.s3_server import MotoServer

pytestmark = pytest.mark.integration


def _orders(rows: int, amount: float) -> pa.Table:
    return pa.table(
        {
            "order_id": [f"o{i}" for i in range(rows)],
            "ordered_at": pa.array([1_700_000_000_000_000 + i for i in range(rows)], pa.timestamp("us")),
            "amount": pa.array([amount] * rows, pa.float64()),
        }
    )


def _source(name: str, table: pa.Table, batch_rows: int = 5) -> TableSource:
    def open_reader() -> pa.RecordBatchReader:
        return pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=batch_rows))

    return TableSource(name, open_reader, {f"{name}_passes_expectations": "passed"})


def _failing_source(name: str, after_batches: int) -> TableSource:
    """A table whose reader breaks part-way, like a warehouse read or an export that dies mid-stream."""
    table = _orders(50, 1.0)

    def batches():
        for index, batch in enumerate(table.to_batches(max_chunksize=5)):
            if index == after_batches:
                raise OSError("the warehouse went away mid-read")
            yield batch

    return TableSource(name, lambda: pa.RecordBatchReader.from_batches(table.schema, batches()))


def _publish_sources(store, run_id: str, *tables: TableSource, as_of: str = "2025-06-01 10:00:00") -> dict:
    return publish_run(store, run_id=run_id, as_of=as_of, as_of_source="latest_order", tables=tables)


def _publish(store, run_id: str, orders_rows: int, amount: float, as_of: str = "2025-06-01 10:00:00"):
    """A run of three tables: orders, customers, and an empty one."""
    return _publish_sources(
        store,
        run_id,
        _source("fct_orders", _orders(orders_rows, amount)),
        _source("customers", pa.table({"customer_id": ["c1", "c2"], "revenue": [amount, 2 * amount]})),
        _source("popular_products", pa.table({"product_id": pa.array([], pa.string())})),
        as_of=as_of,
    )


def _read(store, name: str, version: int | None = None) -> pa.Table:
    return DeltaTable(
        store.uri(name), version=version, storage_options=store.delta_storage_options
    ).to_pyarrow_table()


def _versions(store) -> dict[str, int | None]:
    return {
        name: delta_tables.current_version(store, name)
        for name in ("fct_orders", "customers", "popular_products")
    }


def _data_files(store, name: str) -> set[str]:
    return {f.key for f in store.list_files(f"{name}/") if f.key.endswith(".parquet")}


@pytest.fixture(params=["folder", "s3"])
def store(request, tmp_path):
    if request.param == "folder":
        return open_store(str(tmp_path / "published"))
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = f"pulse-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=bucket)
    return open_store(f"s3://{bucket}/customer-pulse", endpoint)


def test_a_full_publish_writes_delta_tables_and_a_manifest_that_describes_them(store):
    manifest = _publish(store, "run1", orders_rows=23, amount=10.0, as_of="2025-06-04 10:00:00")
    assert load_manifest(store) == load_run_manifest(store, "run1") == json.loads(json.dumps(manifest))
    assert manifest["as_of"] == "2025-06-04 10:00:00" and manifest["as_of_source"] == "latest_order"
    orders = manifest["tables"]["fct_orders"]
    assert orders["uri"] == store.uri("fct_orders")
    assert (orders["version"], orders["rows"], orders["run_id"]) == (0, 23, "run1")
    assert orders["checks"] == {"fct_orders_passes_expectations": "passed"}
    assert orders["schema"] == [
        {"name": "order_id", "type": "string"},
        {"name": "ordered_at", "type": "timestamp"},
        {"name": "amount", "type": "double"},
    ]
    for name, entry in manifest["tables"].items():
        assert _read(store, name).num_rows == entry["rows"]
    assert _read(store, "fct_orders").column("ordered_at").type == pa.timestamp("us", tz="UTC")
    # nothing but tables and manifests at the root: staging leaves no trace
    assert {f.key.split("/")[0] for f in store.list_files()} == {
        "_manifest.json",
        "_runs",
        "fct_orders",
        "customers",
        "popular_products",
    }


def test_two_runs_give_two_versions_and_rollback_restores_the_first(store, capsys, monkeypatch):
    _publish(store, "run1", orders_rows=10, amount=1.0, as_of="2025-06-04 10:00:00")
    _publish(store, "run22", orders_rows=30, amount=2.0, as_of="2025-06-05 10:00:00")
    assert _versions(store) == {"fct_orders": 1, "customers": 1, "popular_products": 1}
    assert load_manifest(store)["run_id"] == "run22"
    assert _read(store, "fct_orders").num_rows == 30
    assert _read(store, "fct_orders", version=0).num_rows == 10  # the first run stays readable by version
    assert [(run["run_id"], run["current"]) for run in run_history(store)] == [
        ("run1", False),
        ("run22", True),
    ]

    rolled_back = rollback(store, "run1")
    assert _versions(store) == {"fct_orders": 2, "customers": 2, "popular_products": 2}
    assert _read(store, "fct_orders").column("amount").to_pylist() == [1.0] * 10
    assert _read(store, "customers").column("revenue").to_pylist() == [1.0, 2.0]
    current = load_manifest(store)
    assert current == json.loads(json.dumps(rolled_back))
    assert (current["run_id"], current["as_of"], current["rolled_back_from_run_id"]) == (
        "run1",
        "2025-06-04 10:00:00",
        "run22",
    )
    assert current["tables"]["fct_orders"]["version"] == 2
    assert current["tables"]["fct_orders"]["restored_from_version"] == 0
    # the next run publishes on top of the rolled-back state
    _publish(store, "run333", orders_rows=5, amount=3.0)
    assert _versions(store)["fct_orders"] == 3
    # the command line lists the same history, marking what _manifest.json names
    monkeypatch.setenv("PULSE_PUBLISH_URI", store.uri())
    if getattr(store, "endpoint_url", None):
        monkeypatch.setenv("PULSE_S3_ENDPOINT_URL", store.endpoint_url)
    assert storage_cli(["history"]) == 0
    listed = capsys.readouterr().out
    assert "* run333" in listed and "  run1 " in listed and "fct_orders v0" in listed


def test_a_publish_that_fails_while_staging_changes_no_table_and_the_next_run_succeeds(store):
    _publish(store, "run1", orders_rows=10, amount=1.0)
    before = {name: _data_files(store, name) for name in ("fct_orders", "customers")}
    with pytest.raises(PublishError, match="staging popular_products failed .*nothing was committed"):
        _publish_sources(
            store,
            "run2",
            _source("fct_orders", _orders(40, 9.0)),
            _source("customers", _orders(3, 9.0)),
            _failing_source("popular_products", after_batches=3),
        )
    assert _versions(store) == {"fct_orders": 0, "customers": 0, "popular_products": 0}
    assert load_manifest(store)["run_id"] == "run1"
    assert load_run_manifest(store, "run2") is None
    # the files staged for the tables before the failure were removed again
    assert {name: _data_files(store, name) for name in ("fct_orders", "customers")} == before
    _publish(store, "run3", orders_rows=12, amount=3.0)
    assert _versions(store) == {"fct_orders": 1, "customers": 1, "popular_products": 1}


def test_a_publish_that_fails_while_committing_puts_back_every_table_it_committed(store, monkeypatch):
    _publish(store, "run1", orders_rows=10, amount=1.0)
    real_commit = delta_tables.commit_table

    def commit_then_fail_on_customers(store_, staged, *args):
        if staged.name == "customers":
            raise OSError("connection reset while committing customers")
        return real_commit(store_, staged, *args)

    monkeypatch.setattr(publication, "commit_table", commit_then_fail_on_customers)
    with pytest.raises(PublishError, match="every table is back at its previous version"):
        _publish_sources(  # fct_orders commits first; brand_new is created by this run
            store,
            "run2",
            _source("fct_orders", _orders(40, 9.0)),
            _source("brand_new", _orders(1, 1.0)),
            _source("customers", _orders(3, 9.0)),
        )
    # fct_orders got a version 1 and was restored (version 2 = version 0's content); brand_new is gone
    assert _read(store, "fct_orders").num_rows == 10
    assert delta_tables.current_version(store, "brand_new") is None
    assert delta_tables.current_version(store, "customers") == 0
    assert load_manifest(store)["run_id"] == "run1"
    assert load_run_manifest(store, "run2") is None
    monkeypatch.setattr(publication, "commit_table", real_commit)
    manifest = _publish(store, "run3", orders_rows=12, amount=3.0)
    assert manifest["tables"]["fct_orders"]["version"] == 3
    assert _read(store, "fct_orders").num_rows == 12


@pytest.fixture
def pausable_s3(monkeypatch):
    """An S3 server of this test's own, so pausing it stops no other test; short timeouts and retries."""
    for name, value in S3_TEST_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(locations, "S3_MAX_ATTEMPTS", 2)
    monkeypatch.setattr(locations, "S3_READ_TIMEOUT_SECONDS", 2)
    monkeypatch.setattr(locations, "S3_CONNECT_TIMEOUT_SECONDS", 2)
    server = MotoServer()
    boto3.client("s3", endpoint_url=server.endpoint).create_bucket(Bucket="pulse-paused")
    yield server, open_store("s3://pulse-paused/customer-pulse", server.endpoint)
    server.stop()


def test_the_s3_server_stopping_mid_publish_leaves_every_table_at_its_previous_version(
    pausable_s3, monkeypatch
):
    server, store = pausable_s3
    _publish(store, "run1", orders_rows=10, amount=1.0)
    real_stage = publication.stage_table

    def stage_then_stop_the_server(store_, name, reader, scratch):
        if name == "customers":  # fct_orders is already uploaded; the server stops answering now
            server.pause()
        return real_stage(store_, name, reader, scratch)

    monkeypatch.setattr(publication, "stage_table", stage_then_stop_the_server)
    with pytest.raises(PublishError, match="staging customers failed"):
        _publish(store, "run2", orders_rows=40, amount=9.0)
    server.resume()
    assert _versions(store) == {"fct_orders": 0, "customers": 0, "popular_products": 0}
    assert _read(store, "fct_orders").num_rows == 10
    assert load_manifest(store)["run_id"] == "run1"

    monkeypatch.setattr(publication, "stage_table", real_stage)
    _publish(store, "run3", orders_rows=12, amount=3.0)
    assert _versions(store) == {"fct_orders": 1, "customers": 1, "popular_products": 1}
    assert load_manifest(store)["run_id"] == "run3"


def test_retention_removes_only_the_runs_and_files_past_it(store, monkeypatch):
    _publish(store, "run1", orders_rows=10, amount=1.0)
    _publish(store, "run22", orders_rows=20, amount=2.0)
    # a failed run whose clean-up failed too (storage down) leaves staged files no version refers to
    monkeypatch.setattr(publication, "discard_quietly", lambda store_, keys: None)
    with pytest.raises(PublishError):
        _publish_sources(
            store,
            "failed",
            _source("fct_orders", _orders(7, 7.0)),
            _failing_source("customers", after_batches=1),
        )
    assert len(_data_files(store, "fct_orders")) == 3  # run1's, run22's and the failed run's orphan
    _publish(store, "run333", orders_rows=30, amount=3.0)

    run22, run333 = load_run_manifest(store, "run22"), load_run_manifest(store, "run333")
    # the clock: 7 days after run333, minus half the gap between run22 and run333. So run1 was replaced
    # (by run22) more than 7 days ago, run22 (replaced by run333) less than 7 days ago.
    gap = published_at(run333) - published_at(run22)
    now = published_at(run333) + timedelta(days=7) - gap / 2
    report = apply_retention(store, timedelta(days=7), now=now)

    assert report.dropped_runs == ["run1"]
    assert [run["run_id"] for run in run_history(store)] == ["run22", "run333"]
    # fct_orders keeps exactly the files of run22 (v1) and run333 (v2): run1's and the orphan are gone
    assert report.removed_files["fct_orders"] == 2
    assert len(_data_files(store, "fct_orders")) == 2
    assert _read(store, "fct_orders", version=1).num_rows == 20
    assert _read(store, "fct_orders").num_rows == 30
    with pytest.raises(
        RollbackError, match="no run run1 .*replaced longer ago than PULSE_PUBLISH_RETENTION_DAYS"
    ):
        rollback(store, "run1")
    rollback(store, "run22")
    assert _read(store, "fct_orders").num_rows == 20
    # a retention pass right after changes nothing it must keep
    assert apply_retention(store, timedelta(days=7)).dropped_runs == []
    assert _read(store, "fct_orders", version=2).num_rows == 30


def test_rollback_to_a_run_whose_files_were_vacuumed_changes_nothing(store):
    _publish(store, "run1", orders_rows=10, amount=1.0)
    _publish(store, "run22", orders_rows=20, amount=2.0)
    # the files of run1's customers version vanish (an operator's vacuum with a shorter retention)
    assert delta_tables.vacuum_table(store, "customers", keep_versions=[]) == 1
    before = _versions(store)
    with pytest.raises(RollbackError, match="run run1 cannot be restored: version 0 of customers lacks"):
        rollback(store, "run1")
    assert _versions(store) == before
    assert _read(store, "fct_orders").num_rows == 20
    assert load_manifest(store)["run_id"] == "run22"


def test_a_large_table_is_published_from_many_batches(store):
    rows = 200_000
    table = _orders(rows, 5.0)
    manifest = _publish_sources(store, "big", _source("fct_orders", table, batch_rows=8_192))
    assert manifest["tables"]["fct_orders"]["rows"] == rows
    assert DeltaTable(store.uri("fct_orders"), storage_options=store.delta_storage_options).count() == rows


def test_read_manifest_reads_the_configured_publish_root(tmp_path):
    from pipeline.settings import PulseSettings

    settings = PulseSettings.from_env({"PULSE_PUBLISH_URI": str(tmp_path / "pub")})
    assert read_manifest(settings) is None
    _publish(open_store(str(tmp_path / "pub")), "run1", orders_rows=3, amount=1.0)
    assert read_manifest(settings)["tables"]["fct_orders"]["rows"] == 3


def _warehouse_sources(con: duckdb.DuckDBPyConnection) -> list[TableSource]:
    """The warehouse's tables as the publish step hands them over: streamed, with their fingerprints."""
    return [
        TableSource(
            name,
            lambda name=name: table_reader(con, name),
            {f"{name}_passes_expectations": "passed"},
            fingerprint=lambda name=name: content_fingerprint(con, name),
        )
        for name in ("fct_orders", "customers", "popular_products")
    ]


def _build_warehouse(con: duckdb.DuckDBPyConnection, changed_amount: float = 10.0) -> None:
    """fct_orders (order o7's amount given), customers and an empty table, in a row order that differs
    from one build to the next (as a parallel build's does)."""
    con.execute(
        "create or replace table fct_orders as select 'o' || i as order_id, 'c' || (i % 3) as customer_id, "
        "timestamp '2025-01-01' + to_days(i::int) as ordered_at, "
        f"if(i = 7, {changed_amount}, 10.0)::decimal(18, 2) as amount "
        "from range(20) as r(i) order by random()"
    )
    con.execute(
        "create or replace table customers as select 'c' || i as customer_id, i * 2 as orders "
        "from range(3) as r(i) order by random()"
    )
    con.execute("create or replace table popular_products as select 'p1' as product_id where false")


def _rows(store, entry: dict) -> list[tuple]:
    """A published version's rows, sorted, timestamps back in the warehouse's zone-less UTC."""
    table = DeltaTable(entry["uri"], version=entry["version"], storage_options=store.delta_storage_options)
    return sorted(
        tuple(value.replace(tzinfo=None) if isinstance(value, datetime) else value for value in row.values())
        for row in table.to_pyarrow_table().to_pylist()
    )


def test_only_tables_whose_content_changed_get_a_new_version(store):
    con = duckdb.connect()
    publish = partial(publish_run, store, as_of="2025-06-01", as_of_source="latest_order")
    _build_warehouse(con)
    first = publish(run_id="run1", tables=_warehouse_sources(con))
    _build_warehouse(con)  # rebuilt from the same data, rows in another order
    same = publish(run_id="run2", tables=_warehouse_sources(con))
    assert _versions(store) == {"fct_orders": 0, "customers": 0, "popular_products": 0}
    # the second run's manifest is still a whole snapshot: every table, at the version run1 wrote
    assert {name: (e["version"], e["run_id"]) for name, e in same["tables"].items()} == {
        name: (0, "run1") for name in ("fct_orders", "customers", "popular_products")
    }
    assert load_manifest(store)["run_id"] == "run2"
    snapshot = PublishedSnapshot(store, load_manifest(store))
    assert snapshot.dataset("fct_orders").count_rows() == 20

    _build_warehouse(con, changed_amount=12.5)  # one order's amount corrected
    changed = publish(run_id="run3", tables=_warehouse_sources(con))
    assert _versions(store) == {"fct_orders": 1, "customers": 0, "popular_products": 0}
    assert changed["tables"]["fct_orders"]["run_id"] == "run3"
    assert changed["tables"]["customers"] == first["tables"]["customers"]
    assert _rows(store, changed["tables"]["fct_orders"]) == sorted(con.sql("from fct_orders").fetchall())
    # the commit records the content it holds
    history = DeltaTable(store.uri("fct_orders"), storage_options=store.delta_storage_options).history(1)
    assert history[0][delta_tables.FINGERPRINT_KEY] == changed["tables"]["fct_orders"]["fingerprint"]

    # rollback to run2 restores fct_orders only; a run on run2's data then writes nothing
    rollback(store, "run2")
    assert _versions(store) == {"fct_orders": 2, "customers": 0, "popular_products": 0}
    _build_warehouse(con)
    publish(run_id="run4", tables=_warehouse_sources(con))
    assert _versions(store) == {"fct_orders": 2, "customers": 0, "popular_products": 0}
    assert _rows(store, load_manifest(store)["tables"]["fct_orders"]) == sorted(
        con.sql("from fct_orders").fetchall()
    )
    # retention long after: the versions the kept runs share stay readable, the rest is vacuumed (a
    # vacuum adds two commits that change no row: still no reason to write the table again)
    later = published_at(load_manifest(store)) + timedelta(days=30)
    # fct_orders v2 (the rollback) holds v0's file again: only run3's corrected file goes
    assert apply_retention(store, timedelta(days=7), now=later).removed_files["fct_orders"] == 1
    for name, entry in load_manifest(store)["tables"].items():
        assert len(_rows(store, entry)) == entry["rows"], name
    publish(run_id="run5", tables=_warehouse_sources(con))
    assert load_manifest(store)["tables"]["fct_orders"]["version"] == 2

    # a full refresh writes every table again, content unchanged
    publish(run_id="run6", tables=_warehouse_sources(con), rewrite_unchanged=True)
    assert {name: e["version"] for name, e in load_manifest(store)["tables"].items()} == {
        "fct_orders": 5,
        "customers": 1,
        "popular_products": 1,
    }


def test_a_table_moved_past_its_manifest_version_is_written_again(store):
    """A fingerprint vouches only for the version the manifest names: if the table's latest version is
    another (an undo that failed half-way, a writer outside the runs), the table is written again."""
    con = duckdb.connect()
    _build_warehouse(con)
    publish_run(store, run_id="run1", as_of=None, as_of_source="x", tables=_warehouse_sources(con))
    delta_tables.restore_table(store, "customers", 0, reason="someone else")  # no-op: already at 0
    write_deltalake(
        store.uri("customers"),
        pa.table({"customer_id": ["zz"], "orders": [1]}),
        mode="append",
        storage_options=store.delta_storage_options,
    )
    publish_run(store, run_id="run2", as_of=None, as_of_source="x", tables=_warehouse_sources(con))
    assert _versions(store) == {"fct_orders": 0, "customers": 2, "popular_products": 0}
    assert _rows(store, load_manifest(store)["tables"]["customers"]) == sorted(
        con.sql("from customers").fetchall()
    )
