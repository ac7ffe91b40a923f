"""Rollback: every table back to the versions an earlier run published, then `_manifest.json` names it.

Each table gets a new version with the old content (Delta restore), so readers at fixed locations see
the rolled-back data, and history stays append-only. The manifest keeps the earlier run's id, as_of and
row counts, with the new version numbers, and says when and from which run it was rolled back.
"""

from datetime import UTC, datetime

from deltalake.exceptions import DeltaError

from pipeline.storage.delta_tables import missing_files, restore_table
from pipeline.storage.locations import Store
from pipeline.storage.manifest import (
    MANIFEST_NAME,
    encode,
    load_manifest,
    load_run_manifest,
    load_run_manifests,
)


class RollbackError(RuntimeError):
    """The rollback cannot happen; the message says why and what to do instead."""


def run_history(store: Store) -> list[dict]:
    """Every run that can be rolled back to, oldest first, with its table versions."""
    current = (load_manifest(store) or {}).get("run_id")
    return [
        {
            "run_id": run["run_id"],
            "published_at": run["published_at"],
            "as_of": run["as_of"],
            "current": run["run_id"] == current,
            "versions": {name: table["version"] for name, table in sorted(run["tables"].items())},
        }
        for run in load_run_manifests(store)
    ]


def rollback(store: Store, run_id: str, now: datetime | None = None) -> dict:
    """Restore every table of run `run_id` to its version then; returns the new `_manifest.json`."""
    target = load_run_manifest(store, run_id)
    if target is None:
        raise RollbackError(
            f"no run {run_id} under {store.uri()}: it was never published here, or it was replaced longer "
            "ago than PULSE_PUBLISH_RETENTION_DAYS and its files were vacuumed. "
            "`python3 tasks.py rollback` lists the runs you can roll back to."
        )
    # every version is checked before any table changes: a rollback happens whole or not at all
    for name, entry in sorted(target["tables"].items()):
        try:
            gone = missing_files(store, name, entry["version"])
        except DeltaError as error:
            gone = [str(error)]
        if gone:
            raise RollbackError(
                f"run {run_id} cannot be restored: version {entry['version']} of {name} lacks "
                f"{len(gone)} data file(s) (vacuumed). Nothing was changed; "
                "`python3 tasks.py rollback` lists the runs you can roll back to."
            )
    current = load_manifest(store) or {}
    tables = {
        name: {
            **entry,
            "version": restore_table(store, name, entry["version"], reason=f"rollback to run {run_id}"),
            "restored_from_version": entry["version"],
        }
        for name, entry in sorted(target["tables"].items())
    }
    document = {
        **target,
        "tables": tables,
        "rolled_back_at": (now or datetime.now(UTC)).isoformat(),
        "rolled_back_from_run_id": current.get("run_id"),
    }
    store.write_bytes(MANIFEST_NAME, encode(document))
    return document
