"""Every resource the assets use. Settings are read when a run starts, never at import."""

import sys
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_dbt.compat import DBT_PYTHON_VERSION

from pipeline.settings import PulseSettings


class PulseSettingsResource(dg.ConfigurableResource):
    """Hands assets the PULSE_* settings, read from the environment of the run."""

    def load(self) -> PulseSettings:
        return PulseSettings.from_env()


def dbt_executable() -> str:
    """The dbt beside this Python (the venv's), so runs work without an activated venv."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


class PulseDbtCliResource(DbtCliResource):
    """dagster-dbt's resource without two costs it pays before each `dbt build`, about 4 s of CPU a run:

    - it runs `dbt --version` in a subprocess (dbt's whole import, ~2 s) to learn dbt's version: the dbt
      it runs is this venv's (dbt_executable), whose version is the dbt-core package imported here;
    - it opens a dbt adapter in this process (~2 s the first time), used only by its `fetch_row_counts`
      and `fetch_column_metadata`, which this project does not call (row counts: defs/dbt/row_counts.py).
    Both are private methods of dagster-dbt: tests/unit/test_dbt_resource.py fails if they are renamed."""

    @cached_property
    def _cli_version(self):
        return DBT_PYTHON_VERSION  # dagster-dbt's own parse of the installed dbt-core's version

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None


def build_resources(dbt_project_dir: Path) -> dict[str, object]:
    return {
        "pulse": PulseSettingsResource(),
        "dbt": PulseDbtCliResource(
            project_dir=str(dbt_project_dir),
            profiles_dir=str(dbt_project_dir),
            dbt_executable=dbt_executable(),
        ),
    }
