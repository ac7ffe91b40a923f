"""Reading one published run back: the storage module's snapshot pins every table at the version the
run's manifest names, and the dashboards' query layer reads through it."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pyarrow as pa
import pytest

from dashboards.published import open_published
from pipeline.storage import (
    TableNotPublished,
    TableSource,
    open_snapshot,
    open_store,
    publish_run,
    published_runs,
)

START = datetime(2026, 1, 1, tzinfo=UTC)


def _table(name: str, table: pa.Table) -> TableSource:
    return TableSource(name, lambda: pa.RecordBatchReader.from_batches(table.schema, table.to_batches()))


def publish(
    folder, run_id: str, hours: int, tables: dict[str, pa.Table], endpoint: str | None = None
) -> dict:
    return publish_run(
        open_store(str(folder), endpoint),
        run_id=run_id,
        as_of="2026-01-01 00:00:00",
        as_of_source="latest_order",
        tables=[_table(name, table) for name, table in tables.items()],
        now=START + timedelta(hours=hours),
        progress=lambda _: None,
    )


@pytest.fixture
def two_runs(tmp_path):
    folder = tmp_path / "published"
    amounts = pa.array([Decimal("10.50"), Decimal("2.25")], pa.decimal128(18, 2))
    publish(folder, "run-1", 0, {"orders": pa.table({"order_id": ["a", "b"], "amount": amounts})})
    publish(folder, "run-2", 1, {"orders": pa.table({"order_id": ["c"], "amount": amounts[:1]})})
    return folder


def test_a_snapshot_reads_each_table_at_its_runs_version(two_runs):
    latest = open_snapshot(str(two_runs))
    assert latest.run_id == "run-2"
    assert latest.dataset("orders").to_table().column("order_id").to_pylist() == ["c"]
    earlier = open_snapshot(str(two_runs), run_id="run-1")
    assert earlier.dataset("orders").to_table().column("order_id").to_pylist() == ["a", "b"]
    assert earlier.columns("orders") == ["order_id", "amount"]
    with pytest.raises(TableNotPublished):
        earlier.dataset("customers")
    assert [run["run_id"] for run in published_runs(str(two_runs))] == ["run-2", "run-1"]


def test_nothing_published_yet_is_none(tmp_path):
    assert open_snapshot(str(tmp_path / "empty")) is None
    assert open_snapshot(str(tmp_path / "empty"), run_id="run-1") is None
    assert published_runs(str(tmp_path / "empty")) == []


def test_queries_read_the_pinned_versions_and_return_amounts_as_floats(two_runs):
    data = open_published(str(two_runs), "run-1")
    frame = data.sql("select order_id, amount from orders where amount > $min order by order_id", {"min": 5})
    assert frame.to_dict("records") == [{"order_id": "a", "amount": 10.5}]
    assert data.present("orders", ["amount", "grade"]) == ["amount"]
    assert not data.has("customers") and data.columns("customers") == []


def test_a_snapshot_reads_from_s3_like_from_a_folder(s3_endpoint, s3_bucket, monkeypatch):
    monkeypatch.setenv("PULSE_S3_ENDPOINT_URL", s3_endpoint)  # how the dashboards reach a local S3 API
    uri = f"s3://{s3_bucket}/pulse"
    publish(uri, "run-s3", 0, {"orders": pa.table({"order_id": ["a", "b"]})}, endpoint=s3_endpoint)
    data = open_published(uri)
    assert data.run_id == "run-s3"
    assert data.sql("select count(*) as n from orders")["n"].tolist() == [2]
