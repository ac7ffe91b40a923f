"""The dbt resource skips dagster-dbt's `dbt --version` subprocess and its in-process adapter (about 4 s
of CPU a run), and still names the dbt it runs correctly."""

import subprocess

from dagster_dbt import DbtCliResource

from pipeline.defs.dbt.project import DBT_PROJECT_DIR
from pipeline.resources import PulseDbtCliResource, build_resources


def test_the_overridden_methods_still_exist_in_dagster_dbt():
    # were they renamed, the overrides would silently stop saving anything
    assert type(DbtCliResource.__dict__["_cli_version"]) is type(PulseDbtCliResource.__dict__["_cli_version"])
    assert callable(DbtCliResource.__dict__["_initialize_dbt_core_adapter"])


def test_the_version_is_the_one_dbt_itself_reports_without_running_it():
    resource = build_resources(DBT_PROJECT_DIR)["dbt"]
    assert isinstance(resource, PulseDbtCliResource)
    reported = subprocess.run([resource.dbt_executable, "--version"], capture_output=True, text=True).stdout
    assert f"installed: {resource._cli_version}" in reported  # what dagster-dbt would have parsed
    assert resource._cli_version.major == 1  # dbt-core, not Fusion: dagster-dbt streams its JSON logs
    assert resource._initialize_dbt_core_adapter(["build"]) is None
