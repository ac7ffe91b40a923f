"""Append-only Delta tables kept across runs (the prediction ledger): a run replaces its own key's rows and
leaves every other run's alone. Unlike the published tables they are history, not a snapshot: they sit
outside the run manifest, rollback and retention never rewrite them, and a lost warehouse cannot lose them.
"""

import pyarrow as pa
import pyarrow.dataset as ds
from deltalake import DeltaTable, write_deltalake
from deltalake.exceptions import TableNotFoundError

from pipeline.storage.delta_tables import with_utc_timestamps
from pipeline.storage.locations import Store


def replace_key_rows(store: Store, name: str, table: pa.Table, key: str) -> int:
    """Write `table` into ledger `name`, replacing the rows whose `key` equals any value in `table`
    (one Delta commit). Returns the new version."""
    table = with_utc_timestamps(table.to_reader()).read_all()
    values = sorted({str(value) for value in table.column(key).to_pylist()})
    predicate = f"{key} in ({', '.join(repr(value) for value in values)})" if values else None
    exists = read_ledger(store, name) is not None
    write_deltalake(
        store.uri(name),
        table,
        mode="overwrite" if exists else "append",
        predicate=predicate if exists else None,
        storage_options=store.delta_storage_options,
    )
    return DeltaTable(store.uri(name), storage_options=store.delta_storage_options).version()


def read_ledger(store: Store, name: str) -> ds.Dataset | None:
    """The ledger's latest version as an Arrow dataset (DuckDB queries it in place), None before its first
    write."""
    try:
        return DeltaTable(store.uri(name), storage_options=store.delta_storage_options).to_pyarrow_dataset()
    except TableNotFoundError:
        return None
