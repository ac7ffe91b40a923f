"""A publish location that fills up while a run writes to it (a real 1 MB tmpfs): publishing fails with
one sentence that says the location is full, the publish step fails without retrying (the same publish
would fail the same way), and the previous run's tables and manifest stay exactly as they were, with no
staged or temporary file left behind. Mounting needs root, as CI has; elsewhere the test is skipped and
says why."""

import json
import subprocess

import dagster as dg
import numpy as np
import pyarrow as pa
import pytest

from pipeline.defs.publish.assets import _refusal_as_failure
from pipeline.storage import PublishLocationFull, TableSource, open_store, publish_run
from pipeline.storage.delta_tables import holds_version

pytestmark = pytest.mark.integration

SIZE = "1m"


@pytest.fixture
def small_disk(tmp_path):
    published = tmp_path / "published"
    published.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(published)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a {SIZE} tmpfs here (needs root): {mounted.stderr.strip()}")
    yield published
    subprocess.run(["umount", str(published)], check=False)


def _tables(rows: int, seed: int) -> list[TableSource]:
    """Three tables of random floats (they do not compress), `rows` rows each."""
    rng = np.random.default_rng(seed)
    tables = {name: pa.table({"value": rng.random(rows)}) for name in ("customers", "fct_orders", "segments")}
    return [
        TableSource(name, lambda t=table: pa.RecordBatchReader.from_batches(t.schema, t.to_batches()))
        for name, table in tables.items()
    ]


def _publish(store, run_id: str, tables: list[TableSource]) -> dict:
    return publish_run(
        store, run_id=run_id, as_of="2026-01-01", as_of_source="latest_order", tables=tables, progress=print
    )


def test_a_full_publish_location_fails_cleanly_and_keeps_the_last_run(small_disk):
    store = open_store(str(small_disk))
    before = _publish(store, "run-small", _tables(rows=2_000, seed=1))  # about 50 KB
    manifest = (small_disk / "_manifest.json").read_bytes()

    with pytest.raises(PublishLocationFull) as full:
        _publish(store, "run-big", _tables(rows=60_000, seed=2))  # about 1.4 MB: the disk fills
    assert str(full.value).startswith(f"the publish location {small_disk} is full (no space left on device")
    assert "nothing is published and every table is at its previous version" in str(full.value)

    assert (small_disk / "_manifest.json").read_bytes() == manifest
    assert not (small_disk / "_runs" / "run-big.json").exists()
    for name, entry in before["tables"].items():
        assert holds_version(store, name, entry["version"]), name
    assert not list(small_disk.glob(".staging-*")) and not list(small_disk.rglob(".tmp-*"))
    assert json.loads(manifest)["run_id"] == "run-small"

    # the publish step turns it into a Failure that Dagster does not retry, with the sentence alone
    with pytest.raises(dg.Failure) as failure, _refusal_as_failure():
        raise full.value
    assert failure.value.description == str(full.value) and failure.value.allow_retries is False

    # once there is room, the next publish goes through
    subprocess.run(["mount", "-o", "remount,size=20m", str(small_disk)], check=True)
    assert _publish(store, "run-big", _tables(rows=60_000, seed=2))["run_id"] == "run-big"
