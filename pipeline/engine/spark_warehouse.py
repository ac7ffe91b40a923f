"""The warehouse on Spark (PULSE_ENGINE=spark): the tables dbt builds in the run's Spark session, read and
written by the Python assets as Arrow.

What the Python libraries work on (features, predictions, audiences) is collected to the driver as Arrow,
as on DuckDB it is read into the process: training samples are bounded, and the scored and published
tables have one row per customer or fewer. DuckDB SQL that a library runs (audiences, contact scans, the
rows publishing merges) runs in an in-memory DuckDB over that Arrow (`on_duckdb`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.engine import arrow_frames, duckdb_tables, spark
from pipeline.settings import PulseSettings

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# `$name` (DuckDB's named parameter, how callers write them) -> `:name` (Spark's)
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class SparkReader:
    def __init__(self, session: SparkSession):
        self.session = session
        # the last table collected to the driver: publishing asks for one table's fingerprint, then its
        # batches, then (a merge) its changed rows, and each would otherwise collect it again. One table, so
        # a reader never holds more than the largest table; tables do not change while a reader is open
        self._collected: tuple[str, pa.Table] | None = None

    def _sql(self, sql: str, params: Mapping[str, Any] | None):
        if not params:
            return self.session.sql(sql)
        return self.session.sql(_PARAMETER.sub(r":\1", sql), args=dict(params))

    def relations(self) -> set[str]:
        found = set()
        for database in self.session.catalog.listDatabases():
            for table in self.session.catalog.listTables(database.name):
                if not table.isTemporary:
                    found.add(f"{database.name}.{table.name}")
        return found

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple]:
        return [tuple(row) for row in self._sql(sql, params).collect()]

    def frame(self, sql: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        return arrow_frames.owned_frame(arrow_frames.as_warehouse_types(self._sql(sql, params).toArrow()))

    def count(self, relation: str) -> int:
        return self.session.table(relation).count()

    def batches(self, relation: str) -> pa.RecordBatchReader:
        return self._collect(relation).to_reader()

    def _collect(self, relation: str) -> pa.Table:
        if self._collected is None or self._collected[0] != relation:
            self._collected = None  # let the previous table go before the next arrives
            self._collected = (
                relation,
                arrow_frames.as_warehouse_types(self.session.table(relation).toArrow()),
            )
        return self._collected[1]

    def fingerprint(self, relation: str) -> str:
        with self.on_duckdb([relation]) as con:
            return duckdb_tables.content_fingerprint(con, relation)

    def suite_frames(self, relation: str, columns: Iterable[str], key: list[str] | None) -> Iterator[Any]:
        # one Spark data frame: GX checks it where the data is, in parts of Spark's own
        yield self.session.table(relation).select(*[f"`{column}`" for column in columns])

    @contextmanager
    def on_duckdb(self, relations: Iterable[str]) -> Iterator[duckdb.DuckDBPyConnection]:
        con = duckdb.connect()
        try:
            for relation in dict.fromkeys(relations):
                schema, _, table = relation.partition(".")
                # copied into a table, not a view over registered Arrow: what a connection registers is
                # its own, and a cursor of it (the row comparison of publishing opens one) would not see it
                con.register("spark_rows", self._collect(relation))
                con.execute(f'create schema if not exists "{schema}"')
                con.execute(f'create table "{schema}"."{table}" as select * from spark_rows')
                con.unregister("spark_rows")
            yield con
        finally:
            con.close()


class SparkWarehouse:
    engine = "spark"

    def __init__(self, settings: PulseSettings):
        self.settings = settings

    @property
    def session(self) -> SparkSession:
        return spark.run_session(self.settings)

    @contextmanager
    def reading(self) -> Iterator[SparkReader]:
        yield SparkReader(self.session)

    def replace_table(self, relation: str, batches: pa.RecordBatchReader) -> int:
        return spark.replace_table(self.session, relation, batches.read_all())

    def serve_dbt(self) -> int | None:
        # a local session (the `spark` target) is served by this process; a cluster's target reaches its own
        return spark.serve_dbt(self.settings) if self.settings.dbt_target == "spark" else None
