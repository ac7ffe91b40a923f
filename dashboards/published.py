"""The dashboards' only way to data: SQL by DuckDB over one published run's Arrow datasets.

DuckDB pushes each query's columns and filters down into the pyarrow dataset scan, so a page reads only
the columns it names and skips the Parquet files and row groups its `where` rules out. Nothing here
opens the warehouse or a file: the storage module hands out the datasets at the manifest's versions.
"""

import re
from dataclasses import dataclass
from functools import cached_property

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.storage import PublishedSnapshot, open_snapshot

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass
class Published:
    snapshot: PublishedSnapshot

    @property
    def run_id(self) -> str:
        return self.snapshot.run_id

    @property
    def as_of(self) -> str:
        return self.snapshot.as_of

    @cached_property
    def reporting_currency(self) -> str:
        """The currency every amount is in (fct_orders names it on each order)."""
        if not self.has("fct_orders") or "reporting_currency" not in self.columns("fct_orders"):
            return ""
        frame = self.sql(
            "select reporting_currency from fct_orders where reporting_currency is not null limit 1"
        )
        return "" if frame.empty else str(frame.iloc[0, 0])

    def has(self, table: str) -> bool:
        return self.snapshot.has_table(table)

    def columns(self, table: str) -> list[str]:
        return self.snapshot.columns(table) if self.has(table) else []

    def present(self, table: str, wanted: list[str]) -> list[str]:
        """The wanted columns the table has: tables gain columns over releases, pages read what is there."""
        have = set(self.columns(table))
        return [column for column in wanted if column in have]

    def rows(self, table: str) -> int:
        return int(self.snapshot.table_entry(table)["rows"]) if self.has(table) else 0

    def sql(self, query: str, params: list | dict | None = None) -> pd.DataFrame:
        """Run `query` over the published tables it names; amounts come back as floats."""
        # a connection per query: Streamlit serves sessions from several threads, a connection is cheap,
        # and registering a dataset reads nothing until a query scans it (so a column that shares a
        # table's name, like `customers`, costs nothing)
        with duckdb.connect() as con:
            for name in set(_IDENTIFIER.findall(query.lower())) & set(self.snapshot.table_names):
                con.register(name, self.snapshot.dataset(name))
            return _to_pandas(con.sql(query, params=params).to_arrow_table())


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    # Delta decimals (amounts) would reach pandas as Python Decimal objects: charts and sums want floats
    casts = [pa.float64() if pa.types.is_decimal(f.type) else f.type for f in table.schema]
    if any(pa.types.is_decimal(f.type) for f in table.schema):
        table = table.cast(pa.schema([f.with_type(t) for f, t in zip(table.schema, casts, strict=True)]))
    return table.to_pandas()


def open_published(uri: str | None = None, run_id: str | None = None) -> Published | None:
    """The latest run (or `run_id`) under `uri` (default PULSE_PUBLISH_URI); None before the first publish."""
    snapshot = open_snapshot(uri, run_id)
    return None if snapshot is None else Published(snapshot)
