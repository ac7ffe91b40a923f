"""The dbt project and its manifest, which @dbt_assets needs before definitions load."""

import os
from pathlib import Path

from dagster_dbt import DagsterDbtProjectPreparer, DbtProject
from filelock import FileLock

from pipeline.defs.dbt.cli_args import parse_args
from pipeline.settings import REPO_ROOT, PulseSettings, SettingsError

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
_SOURCE_SUFFIXES = {".sql", ".yml", ".yaml", ".csv"}
_NOT_SOURCES = {"target", "logs", "dbt_packages"}  # what dbt writes, not what the manifest is made from


def prepare_args() -> list[str]:
    """Parse with the settings a run in this environment reads, so its build can reuse the parse. A run
    still reads its own settings when it starts: if they differ, dbt just parses in full."""
    try:
        return parse_args(PulseSettings.from_env())
    except SettingsError:
        # the run reports the bad setting; the manifest only needs the project's nodes
        return ["parse", "--quiet"]


dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def manifest_is_stale(project_dir: Path, manifest_path: Path) -> bool:
    """True when the manifest is missing or older than any model, macro, test or config file. Walks only
    the project's sources: `target/` holds a folder per dbt invocation and is never looked into."""
    if not manifest_path.exists():
        return True
    built = manifest_path.stat().st_mtime
    for folder, subfolders, files in os.walk(project_dir):
        if Path(folder) == project_dir:
            subfolders[:] = [name for name in subfolders if name not in _NOT_SOURCES]
        for name in files:
            if Path(name).suffix in _SOURCE_SUFFIXES and (Path(folder) / name).stat().st_mtime > built:
                return True
    return False


def ensure_manifest() -> None:
    """Parse (a few seconds) when the manifest is missing or stale. One process at a time: the UI's code
    server and a run (or two test workers) loading definitions together would otherwise both write it,
    and one could read the other's half-written file (so even a look takes the lock: milliseconds)."""
    dbt_project.manifest_path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(dbt_project.manifest_path.parent / ".manifest.lock"):
        if manifest_is_stale(DBT_PROJECT_DIR, dbt_project.manifest_path):
            DagsterDbtProjectPreparer(prepare_project_cli_args=prepare_args()).prepare(dbt_project)


# A fresh clone has no manifest, and an edited model makes it stale: a run would then meet dbt
# nodes the loaded definitions do not know, so definitions always match dbt.
ensure_manifest()
