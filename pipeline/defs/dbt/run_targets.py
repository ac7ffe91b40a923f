"""Old per-invocation dbt target folders, removed.

dagster-dbt gives every `dbt build` its own folder under `dbt_project/target/` (compiled SQL, logs,
`run_results.json`, about 17 MB on the demo shop) and never removes it: four scheduled runs a day left
1,460 folders, some 25 GB, a year. The newest few stay for looking into a recent run.
"""

import shutil
from pathlib import Path

KEEP = 10  # the newest invocation folders kept (a run makes two: models, then segment marts)
_PREFIX = "pulse_dbt_"  # the dbt asset names, which dagster-dbt puts first in the folder's name


def prune_run_targets(target_dir: Path, keep: int = KEEP) -> list[Path]:
    """Remove all but the `keep` newest invocation folders; returns those removed."""
    if not target_dir.is_dir():
        return []
    folders = sorted(
        (path for path in target_dir.iterdir() if path.is_dir() and path.name.startswith(_PREFIX)),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    for folder in folders[keep:]:
        shutil.rmtree(folder, ignore_errors=True)
    return folders[keep:]
