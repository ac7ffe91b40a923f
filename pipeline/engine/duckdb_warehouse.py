"""The warehouse on DuckDB (the default engine): a file one process writes at a time."""

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.engine import duckdb_tables


class DuckDBReader:
    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def relations(self) -> set[str]:
        return duckdb_tables.existing_relations(self.con)

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple]:
        return self.con.sql(sql, params=dict(params) if params else None).fetchall()

    def frame(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        return duckdb_tables.owned_frame(self.con.sql(sql, params=dict(params) if params else None))

    def count(self, relation: str) -> int:
        return self.con.sql(f"select count(*) from {relation}").fetchall()[0][0]

    def batches(self, relation: str) -> pa.RecordBatchReader:
        return duckdb_tables.table_reader(self.con, relation)

    def fingerprint(self, relation: str) -> str:
        return duckdb_tables.content_fingerprint(self.con, relation)

    def suite_frame(self, relation: str, columns: Iterable[str]) -> pd.DataFrame:
        quoted = ", ".join(f'"{column}"' for column in columns)
        return self.frame(f"select {quoted} from {relation}")

    @contextmanager
    def on_duckdb(self, relations: Iterable[str]) -> Iterator[duckdb.DuckDBPyConnection]:
        yield self.con


class DuckDBWarehouse:
    engine = "duckdb"

    def __init__(self, path: Path):
        self.path = Path(path)

    @contextmanager
    def reading(self) -> Iterator[DuckDBReader]:
        with duckdb_tables.read_only(self.path) as con:
            yield DuckDBReader(con)

    def replace_table(self, relation: str, batches: pa.RecordBatchReader) -> int:
        return duckdb_tables.replace_table(self.path, relation, batches)

    def serve_dbt(self) -> None:
        return None  # dbt opens the file once no asset holds it
