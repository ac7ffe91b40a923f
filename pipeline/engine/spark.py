"""A local Spark session set up as dbt's `spark` target sets up its own, and Arrow tables written into it.

pyspark is the `[spark]` extra: it is imported only here, when a run's engine is Spark.
"""

from __future__ import annotations

import re
import subprocess
from typing import TYPE_CHECKING

import pyarrow as pa

from pipeline.settings import PulseSettings

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

_RELATION = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")


def session_conf(settings: PulseSettings) -> dict[str, str]:
    """The settings of dbt_project/profiles.yml's `spark` target, so this process and dbt share one catalog:
    tables under `spark_warehouse`, their catalog in an embedded Derby metastore beside them (one JVM at a
    time may open it)."""
    warehouse = settings.spark_warehouse
    return {
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.warehouse.dir": str(warehouse / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={warehouse / 'metastore_db'};create=true"
        ),
        "spark.driver.memory": settings.spark_driver_memory,
        "spark.sql.shuffle.partitions": str(settings.spark_shuffle_partitions),
        # Derby writes its derby.log into the JVM's working folder unless told where
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={warehouse}",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
    }


def local_session(settings: PulseSettings) -> SparkSession:
    """The process's Spark session (created on first use, about 30 s for the JVM), with Hive tables."""
    from pyspark.sql import SparkSession

    settings.spark_warehouse.mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.appName("customer-pulse").master("local[*]").enableHiveSupport()
    for key, value in session_conf(settings).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def stop_session(spark: SparkSession) -> None:
    """Stop the session and its JVM: `SparkSession.stop()` alone leaves the JVM running (and using a core)
    until this process exits."""
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    spark.stop()
    if gateway is None:
        return
    gateway.shutdown()
    if (process := getattr(gateway, "proc", None)) is not None:
        # pyspark's gateway server exits when its standard input closes; a JVM stuck in a shutdown hook
        # is killed rather than waited for
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
    # the next session in this process launches a fresh JVM instead of reusing the closed gateway
    SparkContext._gateway = None
    SparkContext._jvm = None


def replace_table(spark: SparkSession, relation: str, table: pa.Table) -> int:
    """Create or replace `schema.table` with the rows of `table` (as Parquet); returns its row count."""
    if not _RELATION.match(relation):
        raise ValueError(f"not a schema.table name: {relation!r}")
    schema = relation.split(".")[0]
    spark.sql(f"create database if not exists {schema}")
    # a column null in every row has no Spark type: it is text, as in the warehouse's own tables
    typed = table.cast(
        pa.schema([f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in table.schema])
    )
    spark.createDataFrame(typed).write.mode("overwrite").format("parquet").saveAsTable(relation)
    return typed.num_rows
