"""The run's Spark session: local threads set up as dbt's `spark` target sets up its own, or a cluster with
this process as its driver (PULSE_SPARK_MASTER, PULSE_SPARK_CONF); Arrow tables written into it; dbt served
over Thrift.

pyspark is the `[spark]` extra: it is imported only here, when a run's engine is Spark.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import socket
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from pipeline.engine import arrow_frames
from pipeline.settings import PulseSettings

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

# what a run on Spark needs installed: the `[spark]` extra's modules, and Java from the OS
_EXTRA_MODULES = ("pyspark", "dbt.adapters.spark", "pyhive")


def missing_requirements() -> str | None:
    """One sentence naming what a run on Spark lacks on this machine, or None."""
    lacks = []
    if missing := [name for name in _EXTRA_MODULES if importlib.util.find_spec(name) is None]:
        install = "pip install -e '.[spark]' -c constraints.txt"
        lacks.append(f"the [spark] extra ({', '.join(missing)} not installed: {install})")
    if shutil.which("java") is None:
        lacks.append("Java 17 or 21 (apt-get install openjdk-17-jre-headless)")
    return f"PULSE_ENGINE=spark needs {' and '.join(lacks)}." if lacks else None


# `key value` or `key=value`; a value may hold `=` itself (-Dname=value)
_CONF_LINE = re.compile(r"^(?P<key>[^\s=]+)\s*(?:=|\s)\s*(?P<value>.*)$")
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
    } | (conf_file(settings.spark_conf) if settings.spark_conf else {})


def conf_file(path: Path) -> dict[str, str]:
    """A spark-defaults.conf style file: `key value` (or `key=value`) per line, `#` comments."""
    settings = {}
    for line in path.read_text().splitlines():
        if entry := _CONF_LINE.match(line.split("#", 1)[0].strip()):
            settings[entry["key"]] = entry["value"].strip()
    return settings


def run_session(settings: PulseSettings) -> SparkSession:
    """The process's Spark session, with Hive tables: created on first use (about 10 s for a local JVM) on
    PULSE_SPARK_MASTER, then the same one for the rest of the process."""
    from pyspark.sql import SparkSession

    settings.spark_warehouse.mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.appName("customer-pulse").master(settings.spark_master).enableHiveSupport()
    for key, value in session_conf(settings).items():
        builder = builder.config(key, value)
    # where the session serves dbt (serve_dbt), if it does: read by Hive's Thrift server from the session's
    # configuration when it starts, so chosen with the session (a port is free now, for this process)
    builder = builder.config(THRIFT_PORT, str(_free_port())).config(
        "hive.server2.thrift.bind.host", "127.0.0.1"
    )
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
    global _served_port
    _served_port = None


def replace_table(spark: SparkSession, relation: str, table: pa.Table) -> int:
    """Create or replace `schema.table` with the rows of `table` (as Parquet); returns its row count."""
    if not _RELATION.match(relation):
        raise ValueError(f"not a schema.table name: {relation!r}")
    schema = relation.split(".")[0]
    spark.sql(f"create database if not exists {schema}")
    # a column null in every row is text (arrow_frames.untyped_as_text); pandas categories (reason texts)
    # arrive as Arrow dictionaries, which Spark does not take
    typed = table.cast(pa.schema([f.with_type(_spark_type(f.type)) for f in table.schema]))
    spark.createDataFrame(typed).write.mode("overwrite").format("parquet").saveAsTable(relation)
    return typed.num_rows


def table_property(spark: SparkSession, relation: str, key: str) -> str | None:
    """A property of `schema.table` (TBLPROPERTIES), or None when the table or the property is absent."""
    if not spark.catalog.tableExists(relation):
        return None
    found = {row["key"]: row["value"] for row in spark.sql(f"show tblproperties {relation}").collect()}
    return found.get(key)


def set_table_property(spark: SparkSession, relation: str, key: str, value: str) -> None:
    spark.sql(f"alter table {relation} set tblproperties ('{key}' = '{value}')")


def _spark_type(kind: pa.DataType) -> pa.DataType:
    if pa.types.is_dictionary(kind):
        return kind.value_type
    return arrow_frames.untyped_as_text(kind)


THRIFT_PORT = "hive.server2.thrift.port"
_served_port: int | None = None


def serve_dbt(settings: PulseSettings) -> int:
    """Serve the run's session to dbt over Thrift (on 127.0.0.1; once per process) and return the port.
    dbt runs in its own process (dagster-dbt starts it), and a local session's embedded Derby catalog
    admits one JVM: through the Thrift server dbt builds its models in this JVM, the same way it reaches a
    cluster's Thrift server (profiles.yml `spark_thrift`)."""
    global _served_port
    if _served_port is None:
        session = run_session(settings)
        server = session._jvm.org.apache.spark.sql.hive.thriftserver.HiveThriftServer2
        server.startWithContext(session._jsparkSession.sqlContext())
        _served_port = int(session.sparkContext.getConf().get(THRIFT_PORT))
    return _served_port


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
