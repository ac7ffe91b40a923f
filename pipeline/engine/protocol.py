"""What Python assets may ask of the warehouse, whichever engine holds it (DuckDB or Spark).

Reads happen inside `Warehouse.reading()`, one engine handle for the block (DuckDB: a read-only connection,
closed after, so dbt can open the file; Spark: the run's session). Arrow is the exchange format. SQL
handed to `rows` and `frame` is the plain SQL both engines accept, with `$name` parameters.
"""

from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any, Protocol

import duckdb
import pandas as pd
import pyarrow as pa


class WarehouseReader(Protocol):
    def relations(self) -> set[str]:
        """Every `schema.table` (and view) in the warehouse."""
        ...

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple]:
        """A small result as tuples."""
        ...

    def frame(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """A result as a pandas frame holding none of the engine's memory (arrow_frames.owned_frame)."""
        ...

    def count(self, relation: str) -> int: ...

    def batches(self, relation: str) -> pa.RecordBatchReader:
        """A table as Arrow batches, in the warehouse's types (what publishing writes)."""
        ...

    def fingerprint(self, relation: str) -> str:
        """The table's content fingerprint (duckdb_tables.content_fingerprint): equal content, equal value."""
        ...

    def suite_frames(self, relation: str, columns: Iterable[str], key: list[str] | None) -> Iterator[Any]:
        """The columns as the data frames Great Expectations checks, one at a time: on DuckDB pandas frames of
        at most SUITE_FRAME_ROWS rows, split by `key` (the suite's uniqueness key, validate.suite_key; None:
        one frame); on Spark one Spark data frame, checked where the data is."""
        ...

    def on_duckdb(self, relations: Iterable[str]) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A DuckDB connection in which `relations` can be queried by name, for the DuckDB SQL a library
        runs on the driver (audiences, contact scans, the rows publishing merges). On DuckDB the warehouse
        itself; on Spark the relations' Arrow, collected to the driver."""
        ...


class Warehouse(Protocol):
    engine: str

    def reading(self) -> AbstractContextManager[WarehouseReader]: ...

    def replace_table(self, relation: str, batches: pa.RecordBatchReader) -> int:
        """Create or replace `schema.table` with the batches (readers see the old table or the new one);
        returns its row count."""
        ...

    def serve_dbt(self) -> int | None:
        """The port on 127.0.0.1 where this process serves the warehouse to dbt, or None where dbt opens
        the warehouse itself (a DuckDB file after the asset has closed it, a cluster's Thrift server)."""
        ...
