"""The dbt project on Spark equals the dbt project on DuckDB: the demo shop runs through the whole pipeline on
DuckDB, its source tables (the raw files as loaded, and the tables Python assets wrote) are copied into a
local Spark session through Arrow, dbt builds every model there with the `spark` target, and every mart and
feature table is compared with DuckDB's row for row.

One Spark session for the module (about 30 s to start); dbt runs in this process so it finds that session.
Setup installs Java and the `[spark]` extra when missing (tests/integration/spark_setup.py).
"""

import datetime as dt
import json
import math
from decimal import Decimal

import duckdb
import pyarrow as pa
import pytest

from pipeline.defs.dbt.cli_args import dbt_command
from pipeline.settings import PulseSettings
from tests.conftest import DBT_PROJECT_DIR
from tests.integration.spark_setup import ensure_java

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# the schemas dbt reads as sources (raw files as loaded, tables Python assets write) and the ones compared
SOURCE_SCHEMAS = ("raw", "predictions", "targeting")
COMPARED_SCHEMAS = ("marts", "features")
# floats may differ in their last bits (sums in another order); everything else must be equal
RELATIVE_TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def spark_build(demo_shop_run, tmp_path_factory):
    """The same dbt project built on a local Spark session from DuckDB's source tables (the Spark extra is
    installed at collection, tests/conftest.py)."""
    ensure_java()
    from dbt.cli.main import dbtRunner

    from pipeline.engine.spark import local_session, replace_table, stop_session

    # the shared demo shop run on DuckDB: the reference, and the source of Spark's inputs
    _, paths = demo_shop_run
    tmp = tmp_path_factory.mktemp("spark_engine")
    settings = PulseSettings.from_env(
        {
            **paths,
            "PULSE_ENGINE": "spark",
            "PULSE_SPARK_WAREHOUSE": str(tmp / "spark"),
            "PULSE_SPARK_SHUFFLE_PARTITIONS": "2",
            "PULSE_SPARK_DRIVER_MEMORY": "1g",
        }
    )
    spark = local_session(settings)
    with duckdb.connect(paths["PULSE_DUCKDB_PATH"], read_only=True) as con:
        for relation in relations(con, SOURCE_SCHEMAS):
            replace_table(spark, relation, con.sql(f"select * from {relation}").to_arrow_table())
    # the run's as_of from DuckDB, so both engines stand on the same moment (the wall clock differs)
    with duckdb.connect(paths["PULSE_DUCKDB_PATH"], read_only=True) as con:
        pulse_now = con.sql("select pulse_now from intermediate.int_run_context").fetchall()[0][0]
    # models and seeds: the comparison below is the proof; the data tests pass on Spark too (docs/spark.md has
    # the full `dbt build`), but they would double the time this test takes
    args = dbt_command(["build", "--resource-type", "model", "--resource-type", "seed"], settings)
    at = args.index("--vars") + 1
    args[at] = json.dumps({**json.loads(args[at]), "now": str(pulse_now)})
    target = tmp / "spark_target"
    result = dbtRunner().invoke(
        [
            *args,
            "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(target), "--log-path", str(target),
        ]
    )  # fmt: skip
    yield spark, paths, result
    stop_session(spark)


def relations(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]) -> list[str]:
    listed = ", ".join(f"'{schema}'" for schema in schemas)
    rows = con.sql(
        f"select table_schema, table_name from information_schema.tables where table_schema in ({listed})"
    ).fetchall()
    return sorted(f"{schema}.{name}" for schema, name in rows)


def comparable(value: object) -> object:
    """One engine-neutral form: timestamps naive UTC, decimals and floats as float, the rest as it is."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, Decimal):
        return float(value)
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
        return math.isclose(left, right, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-12)
    return left == right


def test_dbt_builds_every_model_and_seed_on_spark(spark_build):
    _, _, result = spark_build
    failed = [r.node.unique_id for r in (result.result or []) if r.status not in ("success", "pass")]
    assert result.success, failed
    statuses = {r.node.unique_id: r.status for r in result.result}
    models = [node for node in statuses if node.startswith("model.")]
    assert len(models) >= 50, models
    assert all(status in ("success", "pass") for status in statuses.values()), statuses


def test_every_mart_and_feature_table_is_equal_on_both_engines(spark_build):
    spark, paths, result = spark_build
    with duckdb.connect(paths["PULSE_DUCKDB_PATH"], read_only=True) as con:
        expected = {
            relation: con.sql(f"select * from {relation}").to_arrow_table()
            for relation in relations(con, COMPARED_SCHEMAS)
        }
    assert len(expected) >= 20, sorted(expected)
    differences = {}
    for relation, duck in expected.items():
        spark_table = spark.table(relation).toArrow()
        assert spark_table.column_names == duck.column_names, relation
        duck_rows, spark_rows = table_rows(duck), table_rows(spark_table)
        assert len(spark_rows) == len(duck_rows), relation
        for duck_row, spark_row in zip(duck_rows, spark_rows, strict=True):
            unequal = [
                (name, left, right)
                for name, left, right in zip(duck.column_names, duck_row, spark_row, strict=True)
                if not same_value(left, right)
            ]
            if unequal:
                differences[relation] = unequal
                break
    assert not differences, differences


def test_the_expectation_suites_give_the_same_verdicts_on_spark_data_frames(spark_build):
    """The suites run on Spark data frames (GX's Spark engine) and give DuckDB's pandas verdicts,
    expectation by expectation: four tables that use every kind of expectation and row condition the
    suites have (each Spark suite costs seconds of Spark jobs; all of them would add half a minute to CI),
    and a model_metrics frame with a fault, whose row conditions must hold on both engines."""
    from pipeline.defs.quality.checks import checked_tables
    from pipeline.expectations.validate import suite_columns, validate_table
    from tests.expectation_frames import model_metrics_rows

    spark, paths, _ = spark_build
    spark_relations = {
        f"{row.namespace}.{row.tableName}"
        for schema in (*SOURCE_SCHEMAS, *COMPARED_SCHEMAS)
        for row in spark.sql(f"show tables in {schema}").collect()
    }
    tried = {"fct_orders", "customers", "customer_predictions", "model_metrics"}
    checked = [t for t in checked_tables() if t.name in tried and t.relation in spark_relations]
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
