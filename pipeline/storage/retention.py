"""Retention: a run stays restorable until `retention` has passed since the next run replaced it.

That is Delta's own notion of retention (time travel to any moment in the window) expressed in runs:
the run manifests say which table versions each run published, so vacuum keeps exactly those versions'
files (and the latest), and removes the rest: versions replaced before the window, versions written only
to undo a failed run, and data files a failed run staged but never committed. A run manifest goes with
the files of its versions, so `rollback` to it fails with a clear message instead of a missing file.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pipeline.storage.delta_tables import current_version, vacuum_table
from pipeline.storage.locations import Store
from pipeline.storage.manifest import load_manifest, load_run_manifests, published_at, run_manifest_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionReport:
    dropped_runs: list[str]
    removed_files: dict[str, int]  # table -> data files deleted


def runs_past_retention(runs: list[dict], current_run_id: str | None, cutoff: datetime) -> list[str]:
    """Run ids whose successor was published before `cutoff`; `runs` oldest first. The latest run and
    the one `_manifest.json` names (after a rollback, an older run) are always kept."""
    past = []
    for run, successor in zip(runs, runs[1:], strict=False):
        if published_at(successor) < cutoff and run["run_id"] != current_run_id:
            past.append(run["run_id"])
    return past


def apply_retention(
    store: Store,
    retention: timedelta,
    now: datetime | None = None,
    progress: Callable[[str], None] = log.info,
) -> RetentionReport:
    cutoff = (now or datetime.now(UTC)) - retention
    runs = load_run_manifests(store)
    current = load_manifest(store) or {"tables": {}}
    dropped = runs_past_retention(runs, current.get("run_id"), cutoff)
    kept = [run for run in runs if run["run_id"] not in dropped] + [current]
    tables = {name for run in runs for name in run["tables"]} | set(current["tables"])
    # manifests first: a run manifest never names versions whose files are already gone
    store.delete([run_manifest_key(run_id) for run_id in dropped])
    removed = {}
    for name in sorted(tables):
        if current_version(store, name) is None:
            continue
        keep = {run["tables"][name]["version"] for run in kept if name in run["tables"]}
        removed[name] = vacuum_table(store, name, keep)
    progress(
        f"Retention {retention.days} days: dropped {len(dropped)} run manifest(s), "
        f"removed {sum(removed.values())} unreferenced data file(s)"
    )
    return RetentionReport(dropped_runs=dropped, removed_files=removed)
