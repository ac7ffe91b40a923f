"""A large published table's changes committed by Delta MERGE, instead of a new copy of every row.

When a keyed table changed in a few rows (six hours of new and corrected orders in years of history), the
run sends only the rows that differ from the current version and the keys that are gone; MERGE rewrites only
the data files holding those keys and adds the new rows. The version it commits holds exactly what a full
rewrite would (tests/unit/test_delta_merge.py), and rollback, put-back and vacuum treat it like any other.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.dataset as pads
from deltalake import CommitProperties, DeltaTable, WriterProperties

from pipeline.storage.delta_tables import FINGERPRINT_KEY, RUN_ID_KEY, with_utc_timestamps
from pipeline.storage.locations import Store

DELETED = "__pulse_deleted"  # a row of changes that only names a key to delete
_WRITER_PROPERTIES = WriterProperties(compression="ZSTD")


@dataclass(frozen=True)
class RowChanges:
    """The rows to insert or update (every column of the table), and the keys to delete (the other columns
    null), each row flagged in DELETED."""

    rows: pa.Table
    upserted: int
    deleted: int


def published_dataset(store: Store, name: str) -> pads.Dataset:
    """The table's current version as an Arrow dataset (files are read as a query needs them)."""
    return DeltaTable(store.uri(name), storage_options=store.delta_storage_options).to_pyarrow_dataset()


def _as_published(schema: pa.Schema) -> pa.Schema:
    """The schema rows of `schema` are published with (zone-less timestamps as UTC, with_utc_timestamps)."""
    return with_utc_timestamps(pa.RecordBatchReader.from_batches(schema, [])).schema


def same_columns(published: pads.Dataset, incoming: pa.Schema) -> bool:
    """Whether the current version has exactly the columns and types this run publishes (MERGE would
    otherwise have to change the schema: that is a full rewrite's job)."""
    expected = _as_published(incoming)
    return [(f.name, f.type) for f in published.schema] == [(f.name, f.type) for f in expected]


def merged_table_facts(store: Store, name: str) -> tuple[int, object]:
    """The current version's row count (from its files' statistics) and schema, for the manifest."""
    table = DeltaTable(store.uri(name), storage_options=store.delta_storage_options)
    actions = table.get_add_actions(flatten=True)
    rows = pa.table(actions).column("num_records").to_pylist() if actions.num_rows else []
    return sum(int(count or 0) for count in rows), table.schema()


def merge_changes(
    store: Store, name: str, changes: RowChanges, key: Sequence[str], run_id: str, fingerprint: str | None
) -> int:
    """Commit `changes` to the table as one MERGE on `key`; returns the version committed."""
    table = DeltaTable(store.uri(name), storage_options=store.delta_storage_options)
    columns = [field.name for field in changes.rows.schema if field.name != DELETED]
    values = {column: f"s.`{column}`" for column in columns}
    metadata = {RUN_ID_KEY: run_id} | ({FINGERPRINT_KEY: fingerprint} if fingerprint else {})
    source = changes.rows.cast(_as_published(changes.rows.schema))
    (
        table.merge(
            source=source,
            predicate=" and ".join(f"t.`{column}` = s.`{column}`" for column in key),
            source_alias="s",
            target_alias="t",
            writer_properties=_WRITER_PROPERTIES,
            commit_properties=CommitProperties(custom_metadata=metadata),
        )
        .when_matched_delete(predicate=f"s.`{DELETED}`")
        .when_matched_update(updates=values, predicate=f"not s.`{DELETED}`")
        .when_not_matched_insert(updates=values, predicate=f"not s.`{DELETED}`")
        .execute()
    )
    return DeltaTable(store.uri(name), storage_options=store.delta_storage_options).version()
