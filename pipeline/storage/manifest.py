"""Run manifests: `_runs/<run_id>.json` for every publish, `_manifest.json` for the latest one.

A manifest names each table's Delta version, so readers that pin those versions see one consistent run
even while the next run is committing:

    {"run_id": …, "as_of": …, "as_of_source": …, "published_at": …,
     "tables": {name: {"uri", "version", "rows", "schema": [{"name", "type"}], "checks", "run_id",
                       "fingerprint"}}}

(`tables[name]["run_id"]` is the run that wrote that version: a run that publishes only some tables
carries the others over unchanged, and a table whose content did not change keeps its version and the
run that wrote it. `fingerprint` identifies the version's content, see publication.py.)
"""

import json
import re
from datetime import datetime

from pipeline.settings import PulseSettings
from pipeline.storage.locations import Store, publish_store

MANIFEST_NAME = "_manifest.json"
RUNS_PREFIX = "_runs/"
_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def run_manifest_key(run_id: str) -> str:
    if not _RUN_ID.match(run_id):
        raise ValueError(f"{run_id!r} is not a run id (letters, digits, '-', '_' and '.')")
    return f"{RUNS_PREFIX}{run_id}.json"


def encode(document: dict) -> bytes:
    return json.dumps(document, indent=2, sort_keys=True, default=str).encode()


def _load(store: Store, key: str) -> dict | None:
    try:
        return json.loads(store.read_bytes(key))
    except FileNotFoundError:
        return None


def load_manifest(store: Store) -> dict | None:
    return _load(store, MANIFEST_NAME)


def load_run_manifest(store: Store, run_id: str) -> dict | None:
    return _load(store, run_manifest_key(run_id))


def load_run_manifests(store: Store) -> list[dict]:
    """Every recorded run, oldest first."""
    runs = [_load(store, stored.key) for stored in store.list_files(RUNS_PREFIX)]
    return sorted((run for run in runs if run is not None), key=published_at)


def published_at(document: dict) -> datetime:
    return datetime.fromisoformat(document["published_at"])


def save_manifests(store: Store, document: dict) -> str:
    """The run's own record first, then the latest pointer; returns the latest manifest's URI."""
    body = encode(document)
    store.write_bytes(run_manifest_key(document["run_id"]), body)
    return store.write_bytes(MANIFEST_NAME, body)


def read_manifest(settings: PulseSettings | None = None) -> dict | None:
    """The latest publish's manifest, or None before the first publish."""
    return load_manifest(publish_store(settings))


def read_run_manifest(run_id: str, settings: PulseSettings | None = None) -> dict | None:
    """The manifest of one earlier run, or None when there is none (never published, or past retention)."""
    return load_run_manifest(publish_store(settings), run_id)
