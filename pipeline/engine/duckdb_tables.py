"""Access to the DuckDB warehouse for Python assets: read-only for what dbt builds, and a short-lived
read-write connection for the tables a Python asset writes itself (e.g. `ml.customer_predictions`)."""

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.engine import arrow_frames
from pipeline.warehouse_lock import connect

FINGERPRINT_SCHEME = "rowhash1"  # changed whenever the fingerprint's recipe does
_FLOATING = {"DOUBLE", "FLOAT"}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@contextmanager
def read_only(duckdb_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(duckdb_path, read_only=True)
    try:
        yield con
    finally:
        con.close()


def table_reader(
    con: duckdb.DuckDBPyConnection, relation: str, batch_size: int = 131_072
) -> pa.RecordBatchReader:
    """Stream a table as Arrow batches, so publishing 10 M rows never holds them all in memory."""
    return con.sql(f"select * from {relation}").to_arrow_reader(batch_size)


def owned_frame(relation: duckdb.DuckDBPyRelation) -> pd.DataFrame:
    """The relation as a pandas frame that holds none of DuckDB's memory (arrow_frames.owned_frame)."""
    return arrow_frames.owned_frame(relation.to_arrow_table())


def content_fingerprint(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """A fingerprint of a table's content, independent of row order: its columns and types, its row count,
    and the sum and the XOR of a 64-bit hash of every row (one parallel scan, no sort, nothing written).

    Publishing compares it with the fingerprint recorded for the table's current Delta version, to skip
    writing a version with the same content. Two different tables match only on a hash collision in both
    aggregates at once. Floating-point columns are hashed at 12 significant digits: a parallel sum or
    average of doubles differs in its last bits from one run to the next, which is not a change. DuckDB
    may change its hash between versions: that only makes a table look changed once (one rewrite)."""
    rel = con.sql(f"select * from {relation}")
    columns = [
        _significant(name) if str(kind) in _FLOATING else f'"{name}"'
        for name, kind in zip(rel.columns, rel.types, strict=True)
    ]
    schema = ",".join(f"{name}:{kind}" for name, kind in zip(rel.columns, rel.types, strict=True))
    [(rows, total, xor)] = con.sql(
        f"select count(*), coalesce(sum(hash(t)::hugeint), 0), coalesce(bit_xor(hash(t)), 0) "
        f"from (select {', '.join(columns) or 'null'} from {relation}) as t"
    ).fetchall()
    digest = hashlib.sha256(f"{FINGERPRINT_SCHEME}|{schema}|{rows}|{total}|{xor}".encode()).hexdigest()
    return f"{FINGERPRINT_SCHEME}:{digest[:32]}"


def _significant(name: str, digits: int = 12) -> str:
    """`name` rounded to `digits` significant digits (zero, infinities, NaN and null as they are)."""
    column = f'"{name}"'
    return (
        f"case when {column} = 0 or not isfinite({column}) then {column} "
        f"else round({column}, ({digits - 1} - floor(log10(abs({column}))))::integer) end as {column}"
    )


def existing_relations(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every `schema.table` (and view) in the warehouse."""
    rows = con.sql("select table_schema, table_name from information_schema.tables").fetchall()
    return {f"{schema}.{name}" for schema, name in rows}


def _typed(batches: pa.RecordBatchReader) -> pa.RecordBatchReader:
    """The batches with untyped (all-null) columns as text (arrow_frames.untyped_as_text)."""
    schema = batches.schema
    typed = pa.schema([field.with_type(arrow_frames.untyped_as_text(field.type)) for field in schema])
    if typed.equals(schema):
        return batches
    return pa.RecordBatchReader.from_batches(typed, (batch.cast(typed) for batch in batches))


def replace_table(duckdb_path: Path, relation: str, batches: pa.RecordBatchReader) -> int:
    """Replace `schema.table` with the batches in one transaction, creating the schema if needed, and
    return its row count. Streams the batches; readers see the old table or the new one.

    Opens the warehouse read-write only for this call: DuckDB allows one writer, and dbt must be able to
    open the file as soon as the asset is done."""
    schema, _, table = relation.partition(".")
    if not (_IDENTIFIER.match(schema) and _IDENTIFIER.match(table)):
        raise ValueError(f"{relation!r} is not a relation of the form schema.table (letters, digits, _)")
    con = connect(duckdb_path)
    try:
        con.register("incoming_batches", _typed(batches))
        con.execute("begin transaction")
        con.execute(f'create schema if not exists "{schema}"')
        con.execute(f'create or replace table "{schema}"."{table}" as select * from incoming_batches')
        con.execute("commit")
        return con.sql(f'select count(*) from "{schema}"."{table}"').fetchall()[0][0]
    finally:
        con.close()
