"""One Delta Lake table at `<root>/<name>/`: stage its data files, commit them as a new version, restore
an earlier version, vacuum the files no kept version needs, describe its schema.

Staging writes the table with delta-rs into a scratch Delta table (so delta-rs itself chooses the Parquet
layout, file names and column statistics), then moves or uploads those data files into the real table's
folder. Until the commit, no version of the real table refers to them, so no reader ever sees them.
"""

import contextlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from deltalake import DeltaTable, Schema, WriterProperties, write_deltalake
from deltalake.exceptions import TableNotFoundError
from deltalake.transaction import AddAction, CommitProperties, create_table_with_add_actions

from pipeline.storage.locations import Store

_WRITER_PROPERTIES = WriterProperties(compression="ZSTD")
_FIRST_COMMIT = Path("_delta_log") / f"{0:020d}.json"
RUN_ID_KEY = "customer_pulse.run_id"  # recorded in every commit, so a table's history names its runs
FINGERPRINT_KEY = "customer_pulse.content_fingerprint"  # the content a version holds (see publication.py)


@dataclass(frozen=True)
class StagedTable:
    name: str
    schema: Schema
    actions: tuple[AddAction, ...]
    rows: int

    @property
    def keys(self) -> list[str]:
        return [f"{self.name}/{action.path}" for action in self.actions]


def with_utc_timestamps(reader: pa.RecordBatchReader) -> pa.RecordBatchReader:
    """Zone-less timestamps (the warehouse keeps UTC without a zone) published as UTC timestamps.

    Delta's plain `timestamp` is an instant in UTC and every reader supports it; a zone-less column would
    become `timestamp_ntz`, which needs a newer table protocol that Athena and older engines cannot read.
    The cast relabels the type only; the stored microseconds do not change.
    """
    fields = [
        field.with_type(pa.timestamp(field.type.unit, tz="UTC"))
        if pa.types.is_timestamp(field.type) and field.type.tz is None
        else field
        for field in reader.schema
    ]
    target = pa.schema(fields, metadata=reader.schema.metadata)
    return reader if target.equals(reader.schema) else reader.cast(target)


def _scratch_add_actions(folder: Path) -> list[AddAction]:
    """The data files of a freshly written scratch table, read from its only commit (the Delta log is JSON
    lines; `add` entries carry path, size and the column statistics readers use to skip files)."""
    actions = []
    for line in (folder / _FIRST_COMMIT).read_text().splitlines():
        add = json.loads(line).get("add")
        if add is not None:
            actions.append(
                AddAction(
                    path=add["path"],
                    size=add["size"],
                    partition_values=add.get("partitionValues") or {},
                    modification_time=add["modificationTime"],
                    data_change=True,
                    stats=add["stats"],
                )
            )
    return actions


def stage_table(store: Store, name: str, reader: pa.RecordBatchReader, scratch: Path) -> StagedTable:
    """Write `reader` as data files inside `<root>/<name>/`, referenced by no version yet.

    Streams batch by batch: the table is never held in memory whole. On failure, the files already placed
    are deleted again (best effort; vacuum removes any that remain)."""
    folder = scratch / name
    write_deltalake(
        str(folder), with_utc_timestamps(reader), mode="error", writer_properties=_WRITER_PROPERTIES
    )
    actions = _scratch_add_actions(folder)
    staged = StagedTable(
        name=name,
        schema=DeltaTable(str(folder)).schema(),
        actions=tuple(actions),
        rows=sum(json.loads(action.stats)["numRecords"] for action in actions),
    )
    placed: list[str] = []
    try:
        for action, key in zip(staged.actions, staged.keys, strict=True):
            store.put_file(folder / action.path, key)
            placed.append(key)
    except BaseException:
        discard_quietly(store, placed)
        raise
    return staged


def discard_quietly(store: Store, keys: list[str]) -> None:
    """Delete staged files nobody refers to; when storage is down this fails too, and vacuum cleans up."""
    with contextlib.suppress(Exception):  # cleanup must never hide the error that caused it
        store.delete(keys)


def _open(store: Store, name: str, version: int | None = None) -> DeltaTable:
    return DeltaTable(store.uri(name), version=version, storage_options=store.delta_storage_options)


def current_version(store: Store, name: str) -> int | None:
    """The table's latest version, or None when there is no table yet."""
    try:
        return _open(store, name).version()
    except TableNotFoundError:
        return None


_NO_DATA_CHANGE = {"VACUUM START", "VACUUM END"}  # commits that leave a table's rows as they were


def newest_change(store: Store, name: str, version: int) -> dict | None:
    """The newest commit after `version` (-1: any) that changed the table's rows (a vacuum does not), as
    Delta's history records it (`operation`, `operationParameters`, our RUN_ID_KEY); None if none."""
    latest = current_version(store, name)
    if latest is None or latest <= version:
        return None
    later = _open(store, name).history(latest - max(version, -1))  # newest first
    return next((commit for commit in later if commit.get("operation") not in _NO_DATA_CHANGE), None)


def holds_version(store: Store, name: str, version: int) -> bool:
    """True when the table's latest version holds `version`'s rows: it is that version, every commit
    since only vacuumed (retention's clean-up records two commits and changes no row), or the newest
    change restored exactly that version (a killed run's commits put back)."""
    latest = current_version(store, name)
    if latest is None or latest < version:
        return False
    change = newest_change(store, name, version)
    return change is None or (
        change.get("operation") == "RESTORE"
        and str(change.get("operationParameters", {}).get("version")) == str(version)
    )


def commit_table(
    store: Store, staged: StagedTable, run_id: str, previous: int | None, fingerprint: str | None = None
) -> int:
    """Make the staged files the table's new version (one small commit file); returns that version."""
    metadata = {RUN_ID_KEY: run_id} | ({FINGERPRINT_KEY: fingerprint} if fingerprint else {})
    properties = CommitProperties(custom_metadata=metadata)
    if previous is None:
        create_table_with_add_actions(
            store.uri(staged.name),
            staged.schema,
            list(staged.actions),
            mode="error",
            storage_options=store.delta_storage_options,
            commit_properties=properties,
        )
        return 0
    # overwrite: the new files replace every file of the previous version (a schema change included)
    _open(store, staged.name).create_write_transaction(
        list(staged.actions), mode="overwrite", schema=staged.schema, commit_properties=properties
    )
    # one writer at a time (the run queue), so the commit is the version right after the previous one
    return previous + 1


def restore_table(store: Store, name: str, version: int, reason: str) -> int:
    """Commit a new version whose content is `version`'s; returns the new version."""
    table = _open(store, name)
    latest = table.version()
    if latest == version:
        return latest
    table.restore(version, commit_properties=CommitProperties(custom_metadata={RUN_ID_KEY: reason}))
    return latest + 1


def drop_table(store: Store, name: str) -> None:
    """Remove a table this run created (its previous state was: no table)."""
    store.delete_prefix(f"{name}/")


def _files_of(store: Store, name: str, version: int | None = None) -> set[str]:
    """Keys of the data files a version refers to."""
    paths = _open(store, name, version).get_add_actions(flatten=True).column("path").to_pylist()
    return {f"{name}/{path}" for path in paths}


def _stored_data_files(store: Store, name: str) -> set[str]:
    return {f.key for f in store.list_files(f"{name}/") if not f.key.startswith(f"{name}/_delta_log/")}


def unreferenced_files(store: Store, name: str, keep_versions: Iterable[int]) -> set[str]:
    """Stored data files that neither the latest version nor a kept version refers to."""
    latest = _open(store, name).version()
    needed = _files_of(store, name)
    for version in set(keep_versions):
        if version < latest:
            needed |= _files_of(store, name, version)
    return _stored_data_files(store, name) - needed


def vacuum_table(store: Store, name: str, keep_versions: Iterable[int]) -> int:
    """Delete every data file that neither the latest version nor a kept version refers to, staged
    leftovers of failed runs included; returns how many went. Vacuum runs only when there is something to
    delete, since delta-rs records every vacuum as two commits."""
    keep = set(keep_versions)
    garbage = unreferenced_files(store, name, keep)
    if garbage:
        table = _open(store, name)
        table.vacuum(
            retention_hours=0,  # the kept versions, not file age, decide (see retention.py)
            dry_run=False,
            enforce_retention_duration=False,
            full=True,
            keep_versions=sorted(v for v in keep if v <= table.version()),
        )
    return len(garbage)


def missing_files(store: Store, name: str, version: int) -> list[str]:
    """Data files `version` needs that are no longer stored (vacuumed); [] when it can be restored."""
    return sorted(_files_of(store, name, version) - _stored_data_files(store, name))


def describe_schema(schema: Schema) -> list[dict[str, str]]:
    """Column names and Delta types (`long`, `timestamp`, `decimal(18,2)`; nested types as JSON)."""
    fields = json.loads(schema.to_json())["fields"]
    return [
        {"name": f["name"], "type": f["type"] if isinstance(f["type"], str) else json.dumps(f["type"])}
        for f in fields
    ]
