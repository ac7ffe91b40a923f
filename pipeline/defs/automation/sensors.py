"""`new_raw_files_sensor`: start a pipeline run when the raw files change (off until switched on).

Each tick lists PULSE_RAW_PATH (a folder or an s3:// prefix) through the storage module and fingerprints
the listing: names, sizes, and modification times (folder) or ETags (S3). A run starts once a changed
listing has stayed the same for one more tick, so a file still being uploaded does not trigger a run on
half its rows. Hidden names (`.…`, `_…`, such as `_SUCCESS` markers and temporary files) are ignored.
Runs queue behind each other: the instance runs one pipeline run at a time.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

import dagster as dg

from pipeline.defs.automation.jobs import customer_pulse_job
from pipeline.resources import PulseSettingsResource
from pipeline.storage import StoredFile, store_for

TICK_SECONDS = 300


def listing_fingerprint(files: Iterable[StoredFile]) -> str:
    visible = sorted(
        (f.key, f.size, f.fingerprint)
        for f in files
        if not any(part.startswith((".", "_")) for part in f.key.split("/"))
    )
    return hashlib.sha256(json.dumps(visible).encode()).hexdigest() if visible else ""


@dataclass(frozen=True)
class Decision:
    run: bool
    cursor: str
    reason: str


def decide(cursor: str | None, fingerprint: str) -> Decision:
    """Cursor: {"ran": the listing the last run was started for, "seen": the listing of the last tick}."""
    state = json.loads(cursor) if cursor else {"ran": None, "seen": None}
    if not fingerprint:
        return Decision(False, json.dumps({**state, "seen": ""}), "no raw files")
    seen = json.dumps({**state, "seen": fingerprint})
    if fingerprint == state["ran"]:
        return Decision(False, seen, "raw files unchanged since the last run")
    if fingerprint != state["seen"]:
        return Decision(False, seen, "raw files changed; waiting one tick for uploads to finish")
    return Decision(True, json.dumps({"ran": fingerprint, "seen": fingerprint}), "new raw files")


@dg.sensor(
    job=customer_pulse_job,
    minimum_interval_seconds=TICK_SECONDS,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Runs the pipeline when files in PULSE_RAW_PATH change (new, replaced or removed), once the "
    "listing has been stable for one tick.",
)
def new_raw_files_sensor(context: dg.SensorEvaluationContext, pulse: PulseSettingsResource):
    settings = pulse.load()
    if settings.source_database is not None:
        return dg.SkipReason("the source is a shop database, not files: run it on the schedule instead")
    fingerprint = listing_fingerprint(store_for(settings.raw_path, settings).list_files())
    decision = decide(context.cursor, fingerprint)
    context.update_cursor(decision.cursor)
    if not decision.run:
        return dg.SkipReason(f"{decision.reason} ({settings.raw_path})")
    return dg.RunRequest(run_key=fingerprint, tags={"customer_pulse/trigger": "new_raw_files"})
