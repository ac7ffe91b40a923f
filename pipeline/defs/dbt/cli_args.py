"""The dbt command line for a run, as a pure function of the settings (unit-tested)."""

import json
from collections.abc import Sequence

from pipeline.settings import PulseSettings

# models that read the tables Python assets write (predictions, segments, audiences), and everything built
# on them: the pipeline's second dbt step, after those assets
AFTER_PYTHON_TABLES = "source:predictions+ source:targeting+"
# data tests that only the SQL can fail, never the data (a key the model's own group-by makes unique, a
# join that cannot fan out): CI runs them on the demo shop (tests/integration/test_demo_pipeline.py), a run
# does not. At 10 M orders they were 19 of the build's 36 s of tests.
CODE_CHECK_TAG = "code_check"
CODE_CHECKS = f"tag:{CODE_CHECK_TAG}"


def dbt_vars(settings: PulseSettings) -> dict[str, object]:
    """PULSE_DBT_VARS plus the vars that have their own setting.

    `duckdb_path` and `duckdb_memory_limit` are for profiles.yml: dbt renders the profile with the
    `--vars` it is given, so the warehouse is chosen on the command line, not through the environment.
    """
    variables = dict(settings.dbt_vars)
    variables |= settings.predictions.dbt_vars()
    variables["reporting_currency"] = settings.reporting_currency
    variables["duckdb_path"] = str(settings.duckdb_path)
    variables["duckdb_memory_limit"] = settings.duckdb_memory_limit
    if settings.engine == "spark":
        # a local Spark session's place and size (profiles.yml); not on DuckDB, whose vars stay as they were
        variables["spark_warehouse"] = str(settings.spark_warehouse)
        variables["spark_driver_memory"] = settings.spark_driver_memory
        variables["spark_shuffle_partitions"] = str(settings.spark_shuffle_partitions)
    if settings.as_of:
        variables["as_of"] = settings.as_of
    return variables


def dbt_command(command: Sequence[str], settings: PulseSettings, spark_port: int | None = None) -> list[str]:
    """`command` (e.g. ["build"]) with the run's target and vars. `spark_port`: the run's own Spark session
    serves dbt over Thrift there (pipeline/engine/spark.py `serve_dbt`), through the `spark_thrift` target."""
    variables = dbt_vars(settings)
    target = settings.dbt_target
    if spark_port is not None:
        target = "spark_thrift"
        variables |= {"spark_host": "127.0.0.1", "spark_port": spark_port}
    return [*command, "--target", target, "--vars", json.dumps(variables, sort_keys=True)]


def parse_args(settings: PulseSettings) -> list[str]:
    """`dbt parse` with the vars a run with these settings passes. dbt reuses a parse (partial parsing) only
    when the vars and the profile are unchanged: parsed without them, every `dbt build` parsed the whole
    project again (on the demo shop about 6 s per dbt step, against about 3 s reusing the parse)."""
    return dbt_command(["parse", "--quiet"], settings)


def dbt_build_args(settings: PulseSettings, spark_port: int | None = None) -> list[str]:
    """The pipeline's `dbt build`: models and data tests. Unit tests check SQL logic on fixed inputs, not the
    data, so (as dbt recommends) they run in CI (tests/integration/test_demo_pipeline.py), not every run."""
    command = ["build", "--exclude-resource-type", "unit_test"]
    if settings.full_refresh:  # PULSE_FULL_REFRESH: incremental models and seeds are rebuilt from scratch
        command.append("--full-refresh")
    return dbt_command(command, settings, spark_port)
