import json

from pipeline.defs.dbt.cli_args import dbt_build_args
from pipeline.settings import PulseSettings


def test_build_without_overrides_passes_no_vars():
    assert dbt_build_args(PulseSettings()) == ["build", "--target", "local"]


def test_as_of_and_dbt_vars_reach_dbt():
    args = dbt_build_args(PulseSettings(as_of="2025-06-30", dbt_vars={"rfm_window_days": 180}))
    assert args[:3] == ["build", "--target", "local"]
    assert args[3] == "--vars"
    assert json.loads(args[4]) == {"as_of": "2025-06-30", "rfm_window_days": 180}
