"""The whole pipeline on Spark publishes what it publishes on DuckDB: the shared 300-customer demo shop run
(on DuckDB) is run again with PULSE_ENGINE=spark, the raw files to the published Delta tables through a
local Spark session (dbt builds in it over Thrift, the Python assets read and write it through
pipeline/engine), and every published table is compared row for row.

One Spark session (about 10 s to start, in this process). Setup installs Java and the
`[spark]` extra when missing (tests/integration/spark_setup.py).
"""

import datetime as dt
import json
import math
import re
import shutil
from decimal import Decimal
from functools import partial
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from deltalake import DeltaTable

from pipeline.settings import PulseSettings
from tests.integration.spark_setup import ensure_java

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# floats may differ in their last bits (sums in another order); everything else must be equal
RELATIVE_TOLERANCE = 1e-9
# a model version is `<model>-<UTC time it was trained>-<hash of the model>`: the time differs between runs
_TRAINED_AT = re.compile(r"-\d{8}T\d{6}Z-")


@pytest.fixture
def spark_run(demo_shop_job, tmp_path_factory):
    """The demo shop's whole run again on Spark, at the same clock as the DuckDB run (the `now` dbt var):
    its result, both publish folders and the session (stopped after the test)."""
    ensure_java()
    from pipeline.engine.spark import run_session, stop_session
    from tests.integration.pipeline_runs import in_memory_instance, pulse_settings, run_job_in_process

    folder, duckdb_paths, _, _ = demo_shop_job
    with duckdb.connect(duckdb_paths["PULSE_DUCKDB_PATH"], read_only=True) as con:
        pulse_now = con.sql("select pulse_now from intermediate.int_run_context").fetchall()[0][0]
    tmp = tmp_path_factory.mktemp("spark_run")
    paths = {
        "PULSE_RAW_PATH": duckdb_paths["PULSE_RAW_PATH"],
        "PULSE_DUCKDB_PATH": str(tmp / "staging.duckdb"),
        "PULSE_PUBLISH_URI": str(tmp / "published"),
        "PULSE_ENGINE": "spark",
        "PULSE_SPARK_WAREHOUSE": str(tmp / "spark"),
        "PULSE_SPARK_SHUFFLE_PARTITIONS": "2",
        "PULSE_SPARK_DRIVER_MEMORY": "1g",
        "PULSE_DBT_VARS": json.dumps({"now": str(pulse_now)}),
    }
    with in_memory_instance() as instance, pulse_settings(paths):
        result = run_job_in_process(instance=instance)
        manifest = (Path(paths["PULSE_PUBLISH_URI"]) / "_manifest.json").read_text()
        again = run_job_in_process(instance=instance)  # nothing new: nothing to build
        assert (Path(paths["PULSE_PUBLISH_URI"]) / "_manifest.json").read_text() == manifest
        session = run_session(PulseSettings.from_env())
        folders = Path(duckdb_paths["PULSE_PUBLISH_URI"]), Path(paths["PULSE_PUBLISH_URI"])
        yield result, *folders, session, again
        stop_session(session)


def comparable(value: object) -> object:
    """One engine-neutral form: timestamps naive UTC, decimals as float, model versions without their
    training time, the rest as it is."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and _TRAINED_AT.search(value):
        return _TRAINED_AT.sub("-", value)
    return value


def sort_key(row: tuple) -> tuple:
    # floats rounded for ordering only, so a last-bit difference cannot reorder rows
    return tuple(
        (value is None, round(value, 6) if isinstance(value, float) else value if value is not None else 0)
        for value in row
    )


def table_rows(table: pa.Table) -> list[tuple]:
    columns = [table.column(name).to_pylist() for name in table.column_names]
    rows = [tuple(comparable(value) for value in row) for row in zip(*columns, strict=True)]
    return sorted(rows, key=sort_key)


def same_value(left: object, right: object) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        if math.isnan(left) and math.isnan(right):
            return True
        return math.isclose(left, right, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-12)
    return left == right


def published(folder: Path) -> dict[str, pa.Table]:
    return {
        path.name: DeltaTable(str(path)).to_pyarrow_table()
        for path in sorted(folder.iterdir())
        if (path / "_delta_log").is_dir()
    }


def test_the_whole_pipeline_on_spark_publishes_what_it_publishes_on_duckdb(
    spark_run, demo_shop_run, tmp_path
):
    """One test, not three: a module's tests may be spread over workers, and each would run Spark again."""
    result, duckdb_folder, spark_folder, session, again = spark_run
    assert result.success, [event.message for event in result.all_events if event.is_failure]
    assert_a_run_with_nothing_new_builds_nothing(again)
    built = {
        event.asset_key.path[-1]
        for event in result.get_asset_materialization_events()
        if event.step_key == "pulse_dbt_models"
    }
    assert len(built) >= 50, sorted(built)
    assert_every_published_table_is_equal(published(duckdb_folder), published(spark_folder))
    assert_the_suites_give_the_same_verdicts(session, demo_shop_run[1])
    assert_an_empty_python_table_is_checked_as_on_duckdb(session)
    assert_raw_tables_are_copied_again_only_when_their_files_change(session)
    assert_a_table_that_changed_in_few_rows_is_merged_from_spark(session, spark_folder, tmp_path)


def assert_a_run_with_nothing_new_builds_nothing(again) -> None:
    # the inputs signature reads the raw tables where Spark's were staged from; the checks run on Spark
    assert again.success, [event.message for event in again.all_events if event.is_failure]
    recorded = {event.asset_key.to_user_string() for event in again.get_asset_materialization_events()}
    built = {key for key in recorded if not key.startswith(("published_", "raw/"))}
    assert not built and any(key.startswith("published_") for key in recorded), sorted(recorded)
    [observed] = [
        event for event in again.get_asset_observation_events() if event.step_key == "pulse_dbt_models"
    ]
    metadata = observed.asset_observation_data.asset_observation.metadata
    assert metadata["unchanged_inputs"].value.startswith("nothing to build")
    assert "predictions" in {event.step_key for event in again.all_events if event.is_step_skipped}


def assert_every_published_table_is_equal(expected: dict[str, pa.Table], actual: dict[str, pa.Table]) -> None:
    assert len(expected) >= 30 and sorted(actual) == sorted(expected)
    differences = {}
    for name, duck in expected.items():
        spark_table = actual[name]
        assert spark_table.schema.names == duck.schema.names, name
        # the same Delta types: a reader of the published tables cannot tell the engines apart
        assert spark_table.schema.types == duck.schema.types, name
        duck_rows, spark_rows = table_rows(duck), table_rows(spark_table)
        assert len(spark_rows) == len(duck_rows), name
        for duck_row, spark_row in zip(duck_rows, spark_rows, strict=True):
            unequal = [
                (column, left, right)
                for column, left, right in zip(duck.column_names, duck_row, spark_row, strict=True)
                if not same_value(left, right)
            ]
            if unequal:
                differences[name] = unequal
                break
    assert not differences, differences


def assert_the_suites_give_the_same_verdicts(spark, paths: dict[str, str]) -> None:
    """The suites run on Spark data frames (GX's Spark engine) and give DuckDB's pandas verdicts,
    expectation by expectation, and a model_metrics frame with a fault, whose row conditions must hold on
    both engines."""
    from pipeline.defs.quality.checks import checked_tables
    from pipeline.expectations.validate import suite_columns, validate_table
    from tests.expectation_frames import model_metrics_rows

    tried = {"fct_orders", "customers", "customer_predictions", "model_metrics"}
    checked = [t for t in checked_tables() if t.name in tried]
    assert {t.name for t in checked} == tried

    def verdicts(report) -> tuple:
        return (
            report.success,
            report.rows,
            sorted((f.expectation, f.column, f.unexpected_count) for f in report.failures),
        )

    with duckdb.connect(paths["PULSE_DUCKDB_PATH"], read_only=True) as con:
        for table in checked:
            columns = suite_columns(table.name)
            quoted = ", ".join(f'"{column}"' for column in columns)
            on_duckdb = validate_table(table.name, con.sql(f"select {quoted} from {table.relation}").df())
            on_spark = validate_table(table.name, spark.table(table.relation).select(*columns))
            assert verdicts(on_spark) == verdicts(on_duckdb), table.name
    faulty = model_metrics_rows().assign(grade=[None, "Fair", None, None])
    on_spark = validate_table("model_metrics", spark.createDataFrame(faulty))
    assert verdicts(on_spark) == verdicts(validate_table("model_metrics", faulty))
    assert [(f.column, f.unexpected_count) for f in on_spark.failures] == [("grade", 1)]


def assert_an_empty_python_table_is_checked_as_on_duckdb(spark) -> None:
    """A shop without categories writes segment_roi and category_segments empty. Written untyped, their
    columns were text, and GX's Spark engine refused a range check on text even with no rows (found on the
    random-timing shop, orders only): the empty frames now carry their columns' types, and pass on Spark as
    on DuckDB."""
    from pipeline.engine.spark import replace_table
    from pipeline.engine.spark_warehouse import SparkReader
    from pipeline.expectations.validate import suite_columns, validate_table
    from targeting.segments.roi import segment_roi
    from targeting.segments.rules import GAIN_COLUMNS, empty_table

    empty = segment_roi(empty_table(GAIN_COLUMNS), average_order_value=0.0)
    replace_table(spark, "targeting.empty_segment_roi", pa.Table.from_pandas(empty, preserve_index=False))
    columns = suite_columns("segment_roi")
    [frame] = SparkReader(spark).suite_frames("targeting.empty_segment_roi", columns, [])
    assert dict(frame.dtypes)["cost"] == "double" and dict(frame.dtypes)["k"] == "bigint"
    report = validate_table("segment_roi", frame)
    assert report.success and report.rows == 0, report.summary()


def assert_raw_tables_are_copied_again_only_when_their_files_change(spark) -> None:
    """A second copy after the run finds every raw table stamped with the files it was made from and copies
    none; a table whose stamp differs (its files changed since) is copied again, and only it."""
    from pipeline.engine.raw_copy import SIGNATURE_PROPERTY, copy_raw_tables
    from pipeline.engine.spark import set_table_property, table_property

    settings = PulseSettings.from_env()
    again = copy_raw_tables(settings)
    assert {"raw.orders", "raw.order_items", "raw.web_events"} <= set(again)
    assert all(rows is None for rows in again.values()), again
    stamp = table_property(spark, "raw.orders", SIGNATURE_PROPERTY)
    set_table_property(spark, "raw.orders", SIGNATURE_PROPERTY, "made-from-other-files")
    changed = copy_raw_tables(settings)
    [(recopied, rows)] = [(relation, rows) for relation, rows in changed.items() if rows is not None]
    assert recopied == "raw.orders" and rows == spark.table("raw.orders").count() > 0
    assert table_property(spark, "raw.orders", SIGNATURE_PROPERTY) == stamp


def assert_a_table_that_changed_in_few_rows_is_merged_from_spark(spark, folder: Path, tmp: Path) -> None:
    """Publishing's MERGE path on Spark (the demo is under PULSE_PUBLISH_MERGE_MIN_ROWS, so its run rewrote
    every table): fct_orders with two rows changed and one gone is compared by key and row hash against its
    published version, and only those rows are committed, by Delta MERGE."""
    from pyspark.sql import functions as F

    from pipeline.defs.dbt.project import dbt_project
    from pipeline.defs.publish.published_tables import dbt_published_tables
    from pipeline.engine.spark_warehouse import SparkReader
    from pipeline.storage import TableSource, open_store, publish_run
    from pipeline.warehouse_changes import changed_rows

    [orders] = [
        table for table in dbt_published_tables(dbt_project.manifest_path) if table.name == "fct_orders"
    ]
    shutil.copytree(folder, tmp / "published")  # a store whose manifest names fct_orders' version
    ids = [row.order_id for row in spark.table(orders.relation).orderBy("order_id").limit(3).collect()]
    changed = spark.table(orders.relation).filter(F.col("order_id") != ids[2])
    kind = changed.schema["amount"].dataType  # amount + 1 widens the decimal: keep the table's columns
    changed = changed.withColumn(
        "amount",
        F.when(F.col("order_id").isin(ids[:2]), (F.col("amount") + 1).cast(kind)).otherwise(F.col("amount")),
    )
    spark.sql("create database if not exists merge_check")
    changed.write.mode("overwrite").saveAsTable("merge_check.fct_orders")
    reader, relation = SparkReader(spark), "merge_check.fct_orders"

    def changes(published, max_rows):
        with reader.on_duckdb([relation]) as con:
            return changed_rows(con, relation, orders.merge_key, published, max_rows)

    store = open_store(str(tmp / "published"))
    lines: list[str] = []
    source = TableSource(
        "fct_orders",
        partial(reader.batches, relation),
        fingerprint=partial(reader.fingerprint, relation),
        changes=changes,
        merge_key=orders.merge_key,
    )
    manifest = publish_run(
        store, run_id="merge-check", as_of="2026-01-01 00:00:00", as_of_source="latest_order",
        tables=[source], progress=lines.append, merge_min_rows=1,
    )  # fmt: skip
    table = DeltaTable(store.uri("fct_orders"))
    assert table.history(1)[0]["operation"] == "MERGE", lines
    assert manifest["tables"]["fct_orders"]["merged"] == {"rows_new_or_changed": 2, "rows_removed": 1}
    assert table_rows(table.to_pyarrow_table()) == table_rows(changed.toArrow())
