"""The dbt command line is a pure function of the settings."""

import json
from pathlib import Path

from pipeline.defs.dbt.cli_args import dbt_build_args, dbt_command, parse_args
from pipeline.settings import PulseSettings


def _vars(args: list[str]) -> dict:
    return json.loads(args[args.index("--vars") + 1])


def test_build_runs_the_target_with_the_warehouse_and_reporting_currency():
    settings = PulseSettings(duckdb_path=Path("/data/pulse.duckdb"), duckdb_memory_limit="4GB")
    args = dbt_build_args(settings)
    # unit tests run in CI, not on every run's data
    assert args[:5] == ["build", "--exclude-resource-type", "unit_test", "--target", "local"]
    # profiles.yml reads the warehouse from these vars, not from the environment
    assert _vars(args) == {
        "duckdb_path": "/data/pulse.duckdb",
        "duckdb_memory_limit": "4GB",
        "reporting_currency": "EUR",
        **settings.predictions.dbt_vars(),
    }


def test_prediction_settings_reach_the_feature_models():
    settings = PulseSettings.from_env({"PULSE_CHURN_HORIZON_DAYS": "90", "PULSE_TRAINING_CUTOFFS": "3"})
    variables = _vars(dbt_build_args(settings))
    assert (variables["churn_horizon_days"], variables["training_cutoffs"]) == (90, 3)
    assert variables["purchase_horizon_days"] == 30


def test_as_of_reporting_currency_and_dbt_vars_reach_dbt():
    settings = PulseSettings(as_of="2025-06-30", reporting_currency="SEK", dbt_vars={"rfm_window_days": 180})
    variables = _vars(dbt_build_args(settings))
    assert variables["as_of"] == "2025-06-30"
    assert variables["reporting_currency"] == "SEK"
    assert variables["rfm_window_days"] == 180


def test_any_command_gets_the_same_target_and_vars():
    settings = PulseSettings(dbt_target="prod")
    args = dbt_command(["run", "--select", "stg_shop__orders"], settings)
    assert args[:5] == ["run", "--select", "stg_shop__orders", "--target", "prod"]
    assert _vars(args) == _vars(dbt_build_args(settings))


def test_the_parse_before_a_run_has_the_run_s_target_and_vars():
    # dbt reuses a parse only when the target, vars and profile match: the build must not parse again
    settings = PulseSettings(as_of="2025-06-30", dbt_target="prod", duckdb_path=Path("/data/pulse.duckdb"))
    args = parse_args(settings)
    assert args[:2] == ["parse", "--quiet"]
    assert args[args.index("--target") + 1] == "prod"
    assert _vars(args) == _vars(dbt_build_args(settings))


def test_the_spark_engine_builds_on_the_spark_target_with_its_session_settings():
    settings = PulseSettings.from_env(
        {
            "PULSE_ENGINE": "spark",
            "PULSE_SPARK_WAREHOUSE": "/data/spark",
            "PULSE_SPARK_SHUFFLE_PARTITIONS": "2",
        }
    )
    args = dbt_build_args(settings)
    assert args[args.index("--target") + 1] == "spark"
    variables = _vars(args)
    # profiles.yml renders them as Spark configuration values, which are strings
    assert (variables["spark_warehouse"], variables["spark_shuffle_partitions"]) == ("/data/spark", "2")
    assert variables["spark_driver_memory"] == "4g"
    # the DuckDB run's vars stay as they were (a parse is reused only when they match)
    assert not any(name.startswith("spark_") for name in _vars(dbt_build_args(PulseSettings())))


def test_a_full_refresh_rebuilds_every_model_from_scratch():
    assert "--full-refresh" not in dbt_build_args(PulseSettings.from_env({}))
    args = dbt_build_args(PulseSettings.from_env({"PULSE_FULL_REFRESH": "true"}))
    assert args[:4] == ["build", "--exclude-resource-type", "unit_test", "--full-refresh"]
