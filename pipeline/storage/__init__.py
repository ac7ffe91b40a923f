"""The one place that knows where and how published data is written and read back (one run's snapshot),
and the only code that touches boto3, deltalake or published files.

Layout under PULSE_PUBLISH_URI (a folder, or s3://bucket/prefix; the same either way):

    <table>/              a Delta Lake table per published table, at a fixed location
    _runs/<run_id>.json   what each run published: every table's Delta version, rows, schema, checks
    _manifest.json        the latest run's manifest (after a rollback: the run rolled back to)
    <other files>         whole files written with write_bytes (model registry, audience uploads)

Why publishing is all-or-nothing this way. Delta commits one table at a time; there is no multi-table
transaction. delta-rs 1.x offers two building blocks: committing data files that are already in place
(`create_write_transaction` / `create_table_with_add_actions` with add actions), and `restore`. We use
both: every table's data files are staged first (the slow, failure-prone part: writing and uploading),
then each table gets one small commit in quick succession, then the manifests. A failure while staging
changes no table; a failure while committing or recording restores every table already committed (a
compensating action), so all tables stay at their previous versions. Only if storage fails during that
undo too can tables be left ahead of the manifest, and the error then names the rollback that repairs
it. Readers who go by the manifest's versions never see a mix even then. The alternative, writing each
table with `write_deltalake` and restoring on failure, would keep earlier tables on the new version for
the whole time later tables upload, and would need the undo far more often.
"""

from pipeline.storage.locations import (
    LocalFolderStore,
    S3Store,
    Store,
    StoredFile,
    open_store,
    parse_s3_uri,
    publish_store,
    store_for,
)
from pipeline.storage.manifest import MANIFEST_NAME, read_manifest, read_run_manifest
from pipeline.storage.publication import (
    PublishError,
    PublishLocationFull,
    PublishRefused,
    TableSource,
    publish_run,
)
from pipeline.storage.published_files import delete_files, list_keys, read_bytes, write_bytes
from pipeline.storage.retention import RetentionReport, apply_retention
from pipeline.storage.rollback import RollbackError, rollback, run_history
from pipeline.storage.snapshot import PublishedSnapshot, TableNotPublished, open_snapshot, published_runs

__all__ = [
    "MANIFEST_NAME",
    "LocalFolderStore",
    "PublishError",
    "PublishLocationFull",
    "PublishRefused",
    "PublishedSnapshot",
    "RetentionReport",
    "RollbackError",
    "S3Store",
    "Store",
    "StoredFile",
    "TableNotPublished",
    "TableSource",
    "apply_retention",
    "delete_files",
    "list_keys",
    "open_snapshot",
    "open_store",
    "parse_s3_uri",
    "publish_run",
    "publish_store",
    "published_runs",
    "read_bytes",
    "read_manifest",
    "read_run_manifest",
    "rollback",
    "run_history",
    "store_for",
    "write_bytes",
]
