"""Running the real pipeline from tests: the Dagster job in process, or the `dagster` CLI as a user would."""

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import pytest
from deltalake import DeltaTable

from pipeline.defs.dbt.cli_args import dbt_command
from pipeline.privacy.scan import Finding, scan_file, scan_table
from pipeline.settings import PulseSettings
from tests.conftest import DBT_PROJECT_DIR, REPO_ROOT


@contextmanager
def pulse_settings(values: Mapping[str, str]):
    """Set exactly these PULSE_* variables for the block (module-scoped fixtures cannot use monkeypatch)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith("PULSE_")]:
            patch.delenv(name)
        for name, value in values.items():
            patch.setenv(name, value)
        yield


def in_memory_instance() -> dg.DagsterInstance:
    """A Dagster instance that keeps runs, events and checks in memory, for runs made inside a test.

    A user's instance stores the run's 1,725 events in SQLite files (a few seconds with the pooled event
    log); a test that only reads the run's result has no use for them on disk.
    """
    return dg.DagsterInstance.ephemeral()


def run_job_in_process(
    job_name: str = "customer_pulse_job",
    asset_selection: dg.AssetSelection | None = None,
    instance: dg.DagsterInstance | None = None,
) -> dg.ExecuteInProcessResult:
    """The whole job, or only the selected assets, on `instance` (default: a fresh ephemeral one)."""
    from pipeline.definitions import defs

    if asset_selection is None:
        job, keys = defs.resolve_job_def(job_name), None
    else:
        job = defs.resolve_implicit_global_asset_job_def()
        keys = list(asset_selection.resolve(defs.resolve_asset_graph()))
    if instance is not None:
        return job.execute_in_process(instance=instance, asset_selection=keys, raise_on_error=False)
    with in_memory_instance() as fresh:
        return job.execute_in_process(instance=fresh, asset_selection=keys, raise_on_error=False)


def run_cli_materialize(env_values: Mapping[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    """`dagster asset materialize -m pipeline.definitions --select '*'`, the documented own-data command."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
    env.update(env_values)
    env["DAGSTER_HOME"] = str(tmp_path / "dagster_home")
    Path(env["DAGSTER_HOME"]).mkdir(exist_ok=True)
    dagster = Path(sys.executable).parent / "dagster"
    return subprocess.run(
        [str(dagster), "asset", "materialize", "-m", "pipeline.definitions", "--select", "*"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )


def shipped_instance_env(env_values: Mapping[str, str], dagster_home: Path) -> dict[str, str]:
    """This process's environment without its PULSE_* settings, plus `env_values`, and a Dagster instance in
    `dagster_home` with the shipped dagster.yaml, as a user's checkout has it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")}
    env.update(env_values)
    env["DAGSTER_HOME"] = str(dagster_home)
    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", dagster_home / "dagster.yaml")
    return env


def run_tasks_py(
    env_values: Mapping[str, str], dagster_home: Path, installed: bool = False
) -> subprocess.CompletedProcess:
    """`python3 tasks.py run` as a user types it, on the shipped instance settings in `dagster_home`;
    `installed`: what it runs once installed (`python -m pipeline.run_cli`), from this interpreter."""
    env = shipped_instance_env(env_values, dagster_home)
    command = ["-m", "pipeline.run_cli"] if installed else [str(REPO_ROOT / "tasks.py"), "run"]
    return subprocess.run(
        [sys.executable, *command],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )


def run_dbt(args: list[str], settings: PulseSettings, workdir: Path, timeout: int = 900) -> None:
    """`dbt <args>` with the pipeline's own command line (settings reach profiles.yml as --vars), target and
    logs under `workdir`, and the venv's bin on PATH; fails the test with dbt's output."""
    command = dbt_command(args, settings) + [
        "--profiles-dir", str(DBT_PROJECT_DIR),
        "--project-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(workdir / "target"),
        "--log-path", str(workdir / "logs"),
    ]  # fmt: skip
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    result = subprocess.run(["dbt", *command], env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]


def published_contacts(published: Path) -> list[Finding]:
    """Plain e-mails and phones anywhere in a publish folder: every table of the manifest, and every JSON,
    CSV and ZIP file beside them (manifests, audience upload files, model bundles)."""
    manifest = json.loads((published / "_manifest.json").read_text())
    findings = []
    for name in manifest["tables"]:
        findings += scan_table(name, DeltaTable(str(published / name)).to_pyarrow_table())
    for path in published.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".csv", ".zip") and "_delta_log" not in path.parts:
            findings += scan_file(str(path.relative_to(published)), path.read_bytes())
    return findings
