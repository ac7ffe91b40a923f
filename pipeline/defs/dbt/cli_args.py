"""The dbt command line for a run, as a pure function of the settings (unit-tested)."""

import json

from pipeline.settings import PulseSettings


def dbt_vars(settings: PulseSettings) -> dict[str, object]:
    variables = dict(settings.dbt_vars)
    if settings.as_of:
        variables["as_of"] = settings.as_of
    return variables


def dbt_build_args(settings: PulseSettings) -> list[str]:
    args = ["build", "--target", settings.dbt_target]
    variables = dbt_vars(settings)
    if variables:
        args += ["--vars", json.dumps(variables, sort_keys=True)]
    return args
