"""The dbt project and its manifest, which @dbt_assets needs before definitions load."""

from pathlib import Path

from dagster_dbt import DbtProject

from pipeline.settings import REPO_ROOT

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
_SOURCE_SUFFIXES = {".sql", ".yml", ".yaml", ".csv"}

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def manifest_is_stale(project_dir: Path, manifest_path: Path) -> bool:
    """True when the manifest is missing or older than any model, macro, test or config file."""
    if not manifest_path.exists():
        return True
    built = manifest_path.stat().st_mtime
    target = project_dir / "target"
    return any(
        path.stat().st_mtime > built
        for path in project_dir.rglob("*")
        if path.suffix in _SOURCE_SUFFIXES and target not in path.parents
    )


# A fresh clone has no manifest, and an edited model makes it stale: a run would then meet dbt
# nodes the loaded definitions do not know. Parse (a few seconds) so definitions always match dbt.
if manifest_is_stale(DBT_PROJECT_DIR, dbt_project.manifest_path):
    dbt_project.preparer.prepare(dbt_project)
