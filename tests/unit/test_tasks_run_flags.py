"""`python3 tasks.py run --full-refresh` is PULSE_FULL_REFRESH=true for that run: dbt rebuilds every model
and publishing writes every table."""

import pytest

import tasks
from pipeline.defs.dbt.cli_args import dbt_build_args
from pipeline.settings import PulseSettings


def test_the_flag_sets_the_full_refresh_setting_for_the_run():
    settings = PulseSettings.from_env(tasks.run_env(["--full-refresh"]))
    assert settings.full_refresh is True
    assert "--full-refresh" in dbt_build_args(settings)
    assert PulseSettings.from_env(tasks.run_env([])).full_refresh is False


def test_an_unknown_argument_is_refused_before_anything_runs():
    with pytest.raises(SystemExit, match="unknown argument.*--ful-refresh"):
        tasks.run_env(["--ful-refresh"])
