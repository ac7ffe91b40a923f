"""Reading one published run as a consistent snapshot: its manifest, and each table at the version it names.

Readers that go through a snapshot never see a mix of runs, even while the next run is committing: every
table is opened at the Delta version the run's manifest recorded, not at its latest version.

    snapshot = open_snapshot()                     # the latest run under PULSE_PUBLISH_URI
    snapshot = open_snapshot("s3://bucket/prefix", run_id="5f2e…")   # an earlier run, elsewhere
    dataset = snapshot.dataset("customers")        # a pyarrow dataset: DuckDB, Polars or pandas query it
"""

from dataclasses import dataclass, field
from datetime import datetime
from threading import Lock

import pyarrow.dataset as pads
from deltalake import DeltaTable

from pipeline.settings import PulseSettings
from pipeline.storage.locations import Store, publish_store, store_for
from pipeline.storage.manifest import load_manifest, load_run_manifest, load_run_manifests


class TableNotPublished(KeyError):
    """The snapshot's run published no table of that name (yet)."""


@dataclass
class PublishedSnapshot:
    store: Store
    manifest: dict
    # one DeltaTable per table, opened on first use: opening reads the table's log, which costs a request
    _tables: dict[str, DeltaTable] = field(default_factory=dict, repr=False)
    _datasets: dict[str, pads.Dataset] = field(default_factory=dict, repr=False)
    _lock: Lock = field(default_factory=Lock, repr=False)

    @property
    def run_id(self) -> str:
        return self.manifest["run_id"]

    @property
    def as_of(self) -> str:
        return str(self.manifest.get("as_of"))

    @property
    def published_at(self) -> datetime:
        return datetime.fromisoformat(self.manifest["published_at"])

    @property
    def uri(self) -> str:
        return self.store.uri()

    @property
    def table_names(self) -> list[str]:
        return sorted(self.manifest["tables"])

    def has_table(self, name: str) -> bool:
        return name in self.manifest["tables"]

    def table_entry(self, name: str) -> dict:
        """The manifest's record of a table: version, rows, schema, checks, the run that wrote it."""
        try:
            return self.manifest["tables"][name]
        except KeyError:
            raise TableNotPublished(f"run {self.run_id} published no table {name!r}") from None

    def columns(self, name: str) -> list[str]:
        """The table's column names, from the manifest (no request to storage)."""
        return [column["name"] for column in self.table_entry(name)["schema"]]

    def delta_table(self, name: str) -> DeltaTable:
        """The table at the version this run's manifest names."""
        version = self.table_entry(name)["version"]
        with self._lock:  # readers share a snapshot across threads (a dashboard's sessions)
            if name not in self._tables:
                self._tables[name] = DeltaTable(
                    self.store.uri(name), version=version, storage_options=self.store.delta_storage_options
                )
            return self._tables[name]

    def dataset(self, name: str) -> pads.Dataset:
        """The table's pyarrow dataset at the manifest's version: scans read only the columns and the
        files (by their statistics) a query needs. Built once: it lists the version's files."""
        if name not in self._datasets:
            dataset = self.delta_table(name).to_pyarrow_dataset()
            with self._lock:
                self._datasets.setdefault(name, dataset)
        return self._datasets[name]


def _store(uri: str | None, settings: PulseSettings | None) -> Store:
    settings = settings or PulseSettings.from_env()
    return store_for(uri, settings) if uri else publish_store(settings)


def open_snapshot(
    uri: str | None = None, run_id: str | None = None, settings: PulseSettings | None = None
) -> PublishedSnapshot | None:
    """The latest published run (or `run_id`) under `uri` (default PULSE_PUBLISH_URI); None when there is
    none: nothing published yet, or that run is past the retention."""
    store = _store(uri, settings)
    manifest = load_run_manifest(store, run_id) if run_id else load_manifest(store)
    return None if manifest is None else PublishedSnapshot(store, manifest)


def published_runs(uri: str | None = None, settings: PulseSettings | None = None) -> list[dict]:
    """Every run manifest still kept under `uri` (default PULSE_PUBLISH_URI), newest first."""
    return list(reversed(load_run_manifests(_store(uri, settings))))
