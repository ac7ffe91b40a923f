"""A run killed between its table commits and its manifest (SIGKILL: nothing can undo it in the run)
leaves tables at versions no manifest names; the next publish puts them back before it starts, and
leaves finished runs' commits, restores and rollbacks alone."""

from datetime import UTC, datetime, timedelta

import pyarrow as pa
from deltalake import DeltaTable

from pipeline.storage import TableSource, open_store, publish_run
from pipeline.storage.delta_tables import commit_table, current_version, holds_version, stage_table
from pipeline.storage.interrupted import put_back_interrupted
from pipeline.storage.manifest import load_manifest
from pipeline.storage.rollback import rollback

START = datetime(2026, 1, 1, tzinfo=UTC)


def _source(name: str, values: list[int]) -> TableSource:
    table = pa.table({"value": pa.array(values, pa.int64())})
    reader = lambda: pa.RecordBatchReader.from_batches(table.schema, table.to_batches())  # noqa: E731
    return TableSource(name, reader, fingerprint=lambda: repr(sorted(values)))


def _publish(store, run_id: str, tables: dict[str, list[int]], lines: list[str] | None = None) -> dict:
    return publish_run(
        store,
        run_id=run_id,
        as_of="2026-01-01 00:00:00",
        as_of_source="latest_order",
        tables=[_source(name, values) for name, values in tables.items()],
        now=START + timedelta(hours=len(lines or [])),
        progress=(lines.append if lines is not None else lambda _: None),
    )


def _killed_while_committing(store, run_id: str, tables: dict[str, list[int]]) -> None:
    """What a run SIGKILLed after some commits leaves: those tables' new versions, no manifest."""
    for name, values in tables.items():
        with store.scratch_dir() as scratch:
            staged = stage_table(store, name, _source(name, values).open_reader(), scratch)
        commit_table(store, staged, run_id, current_version(store, name))


def _values(store, name: str) -> list[int]:
    return sorted(DeltaTable(store.uri(name)).to_pyarrow_table().column("value").to_pylist())


def test_the_next_publish_puts_back_what_a_killed_run_committed(tmp_path):
    store = open_store(str(tmp_path / "published"))
    _publish(store, "run-1", {"orders": [1, 2], "customers": [10]})
    # killed after committing orders and creating a table of its own, before customers and the manifest
    _killed_while_committing(store, "run-killed", {"orders": [99], "audiences": [7]})
    assert _values(store, "orders") == [99] and load_manifest(store)["run_id"] == "run-1"

    put_back = put_back_interrupted(store, load_manifest(store), ["orders", "audiences"], lambda _: None)
    assert put_back == {"orders": "run-killed", "audiences": "run-killed"}
    assert _values(store, "orders") == [1, 2]  # the manifest's version again, as a new version
    assert current_version(store, "audiences") is None  # created by the killed run: removed
    assert put_back_interrupted(store, load_manifest(store), ["orders"], lambda _: None) == {}


def test_a_run_after_a_killed_one_publishes_as_if_it_had_not_happened(tmp_path):
    store = open_store(str(tmp_path / "published"))
    _publish(store, "run-1", {"orders": [1, 2], "customers": [10]})
    _killed_while_committing(store, "run-killed", {"orders": [99]})
    lines: list[str] = []
    manifest = _publish(store, "run-2", {"orders": [1, 2], "customers": [10, 11]}, lines)
    assert (
        lines[0]
        == "Put back 1 tables committed by interrupted run run-killed (killed before its manifest): orders"
    )
    # orders' content is run-1's again, so run-2 keeps that version instead of writing the same rows anew
    assert manifest["tables"]["orders"]["run_id"] == "run-1"
    assert _values(store, "orders") == [1, 2] and _values(store, "customers") == [10, 11]
    # the table's latest version (the restore) holds the rows of the version the manifest names
    assert holds_version(store, "orders", manifest["tables"]["orders"]["version"])


def test_finished_runs_and_rollbacks_are_never_put_back(tmp_path):
    store = open_store(str(tmp_path / "published"))
    _publish(store, "run-1", {"orders": [1]})
    _publish(store, "run-2", {"orders": [2]})
    rollback(store, "run-1", now=START + timedelta(days=1))
    # the manifest names the restored version; the later versions are run-2's (finished) and a restore
    assert put_back_interrupted(store, load_manifest(store), ["orders"], lambda _: None) == {}
    assert _values(store, "orders") == [1]
