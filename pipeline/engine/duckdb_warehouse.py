"""The warehouse on DuckDB (the default engine): a file one process writes at a time."""

import math
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.engine import duckdb_tables

# the rows of a table one expectation suite checks at a time: about 1 GB of pandas for fct_orders' suite
# (ten columns); one frame of it at 100 M orders took the run past 24 GB
SUITE_FRAME_ROWS = 5_000_000


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

    def suite_frames(
        self, relation: str, columns: Iterable[str], key: list[str] | None
    ) -> Iterator[pd.DataFrame]:
        quoted = ", ".join(f'"{column}"' for column in columns)
        rows = self.count(relation)
        parts = 1 if key is None else max(1, math.ceil(rows / SUITE_FRAME_ROWS))
        if parts == 1:
            yield self.frame(f"select {quoted} from {relation}")
            return
        # by the uniqueness key (its duplicates share a part), else by the row's values: each row in one part
        split = ", ".join(f'"{column}"' for column in key or columns)
        for part in range(parts):
            yield self.frame(f"select {quoted} from {relation} where hash({split}) % {parts} = {part}")

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
