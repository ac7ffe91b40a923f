"""Every resource the assets use. Settings are read when a run starts, never at import."""

import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from pipeline.settings import PulseSettings


class PulseSettingsResource(dg.ConfigurableResource):
    """Hands assets the PULSE_* settings, read from the environment of the run."""

    def load(self) -> PulseSettings:
        return PulseSettings.from_env()


def dbt_executable() -> str:
    """The dbt beside this Python (the venv's), so runs work without an activated venv."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


def build_resources(dbt_project_dir: Path) -> dict[str, object]:
    return {
        "pulse": PulseSettingsResource(),
        "dbt": DbtCliResource(
            project_dir=str(dbt_project_dir),
            profiles_dir=str(dbt_project_dir),
            dbt_executable=dbt_executable(),
        ),
    }
