"""Old per-invocation dbt target folders, removed.

dagster-dbt gives every `dbt build` its own folder under `dbt_project/target/` (compiled SQL, logs,
`run_results.json`, about 17 MB on the demo shop) and never removes it: four scheduled runs a day left
1,460 folders, some 25 GB, a year. The newest few stay for looking into a recent run, and so does any
folder made in the last hours: a run still building may own it (runs of other shops from the same checkout
made ten newer folders during one long build, and its folder was removed under it).
"""

import shutil
import time
from pathlib import Path

KEEP = 10  # the newest invocation folders kept (a run makes two: models, then segment marts)
IN_USE_SECONDS = 6 * 3600  # younger folders may belong to a run in progress (100 M orders: 30 minutes)
_PREFIX = "pulse_dbt_"  # the dbt asset names, which dagster-dbt puts first in the folder's name


def prune_run_targets(
    target_dir: Path, keep: int = KEEP, in_use_seconds: float = IN_USE_SECONDS
) -> list[Path]:
    """Remove the invocation folders beyond the `keep` newest that are older than `in_use_seconds`;
    returns those removed."""
    if not target_dir.is_dir():
        return []
    folders = sorted(
        (path for path in target_dir.iterdir() if path.is_dir() and path.name.startswith(_PREFIX)),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    settled = time.time() - in_use_seconds
    removed = [folder for folder in folders[keep:] if folder.stat().st_mtime < settled]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed
