"""Read-only access to the DuckDB warehouse for Python assets (dbt is the only writer of models)."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa


@contextmanager
def read_only(duckdb_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(duckdb_path), read_only=True)
    try:
        yield con
    finally:
        con.close()


def table_reader(
    con: duckdb.DuckDBPyConnection, relation: str, batch_size: int = 131_072
) -> pa.RecordBatchReader:
    """Stream a table as Arrow batches, so publishing 10 M rows never holds them all in memory."""
    return con.sql(f"select * from {relation}").to_arrow_reader(batch_size)


def existing_relations(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every `schema.table` (and view) in the warehouse."""
    rows = con.sql("select table_schema, table_name from information_schema.tables").fetchall()
    return {f"{schema}.{name}" for schema, name in rows}


def row_counts(duckdb_path: Path, relations: Iterable[str]) -> dict[str, int]:
    """Row counts of the relations that exist; missing ones are left out."""
    counts: dict[str, int] = {}
    with read_only(duckdb_path) as con:
        existing = existing_relations(con)
        for relation in relations:
            if relation in existing:
                counts[relation] = con.sql(f"select count(*) from {relation}").fetchall()[0][0]
    return counts
