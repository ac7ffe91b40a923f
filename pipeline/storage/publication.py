"""Publishing a run's tables all-or-nothing: stage every table, commit them all, record the run.

1. Stage: each table's data files are written and uploaded into its folder, referenced by no version.
   This is the slow part, where uploads fail; a failure here has changed no table.
2. Commit: one small log file per table makes the staged files its new version, in quick succession.
3. Record: `_runs/<run_id>.json`, then `_manifest.json`.
If step 2 or 3 fails, every table this run touched is put back to its previous version (restored, or
removed if this run created it) before the error is raised, so the previous manifest stays true. A run
killed outright (SIGKILL) cannot do that; the next publish does it first (interrupted.py).

A table whose content did not change gets no new version: before staging, its content fingerprint
(computed where the table lives, see TableSource) is compared with the one the previous manifest records
for the table's current version. Equal, and the table still at that version: nothing is staged or
committed, and the new manifest names the same version (its `run_id` stays the run that wrote it), so
the manifest is still a complete, consistent snapshot. Comparing a recorded fingerprint costs one scan of
the warehouse table; comparing against the published version itself would read the table back from
storage (S3) every run. `rewrite_unchanged` (PULSE_FULL_REFRESH) writes every table regardless.

A large keyed table that changed in a few rows is committed by MERGE (delta_merge.py) instead of staged
and rewritten: only its changed rows are sent, and the files holding their keys rewritten. MERGE writes
those files as it commits, in step 2, so a failure there puts back every table committed so far, as any
failed commit does.
"""

import errno
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.dataset as pads

from pipeline.storage.delta_merge import (
    DELETED,
    RowChanges,
    merge_changes,
    merged_table_facts,
    published_dataset,
    same_columns,
)
from pipeline.storage.delta_tables import (
    StagedTable,
    commit_table,
    current_version,
    describe_schema,
    discard_quietly,
    drop_table,
    holds_version,
    restore_table,
    stage_table,
)
from pipeline.storage.interrupted import put_back_interrupted
from pipeline.storage.locations import Store
from pipeline.storage.manifest import encode, load_manifest, run_manifest_key, save_manifests

log = logging.getLogger(__name__)


class PublishError(RuntimeError):
    """Publishing failed; the message says what state the tables were left in."""


class PublishLocationFull(PublishError):
    """The publish location ran out of space: the message says so in one sentence, and retrying the
    same publish cannot help until space is freed."""


def _out_of_space(error: BaseException | None) -> bool:
    """True when `error` or a cause of it is a full disk (ENOSPC; delta-rs reports it as text)."""
    while error is not None:
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            return True
        if "No space left on device" in str(error) or "os error 28" in str(error):
            return True
        error = error.__cause__ or error.__context__
    return False


def _full(store: Store, doing: str) -> PublishLocationFull:
    return PublishLocationFull(
        f"the publish location {store.uri()} is full (no space left on device while {doing}); nothing "
        "is published and every table is at its previous version: free space there or set "
        "PULSE_PUBLISH_URI to a larger location, then run again"
    )


class PublishRefused(PublishError):
    """A pre-flight refused a file about to be published (e.g. the PII scan); raised by the caller's
    `preflight`, passed on with its own message once the tables are back at their previous versions."""


@dataclass(frozen=True)
class TableSource:
    name: str
    open_reader: Callable[[], pa.RecordBatchReader]  # opened when the table is staged, one at a time
    checks: Mapping[str, str] = field(default_factory=dict)  # check name -> "passed", recorded as is
    # the content's fingerprint (order-independent); None: always written
    fingerprint: Callable[[], str] | None = None
    # the rows that differ from the published version (given, and the most rows worth merging), or None
    # when more differ; with `merge_key`, a large table may be committed by MERGE (see the module's notes)
    changes: Callable[[pads.Dataset, int], RowChanges | None] | None = None
    merge_key: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Pending:
    """A table this run writes: where its data comes from, and its fingerprint to record."""

    source: TableSource
    fingerprint: str | None


def publish_run(
    store: Store,
    *,
    run_id: str,
    as_of: object,
    as_of_source: str,
    tables: Sequence[TableSource],
    keep: Iterable[str] = (),
    now: datetime | None = None,
    progress: Callable[[str], None] = log.info,
    preflight: Callable[[str, bytes], None] | None = None,
    rewrite_unchanged: bool = False,
    notice: Callable[[str], None] | None = None,
    merge_min_rows: int | None = None,
    inputs_signature: str | None = None,
) -> dict:
    """Publish `tables` as one unit and return the run's manifest.

    `keep`: other published tables whose entries carry over from the previous manifest unchanged (a run
    that publishes only some tables still leaves a manifest that describes all of them).
    `preflight(key, bytes)`: sees the manifest before it is written; raising PublishRefused undoes the run.
    `rewrite_unchanged`: write a new version of every table, even where the content did not change.
    `notice`: hears what the user should see on the console (a killed run's tables put back); `progress`
    when not given.
    `merge_min_rows`: a keyed table published with at least this many rows is merged when few of its rows
    changed (None: every table is rewritten whole).
    `inputs_signature`: what the tables were made from (pipeline/unchanged_run.py), recorded so that a run
    with the same inputs need not build them again."""
    previous = load_manifest(store) or {}
    put_back_interrupted(store, previous, [source.name for source in tables], notice or progress)
    unchanged, pending = _split_unchanged(store, tables, previous, rewrite_unchanged)
    merges, pending = _plan_merges(store, pending, previous, None if rewrite_unchanged else merge_min_rows)
    staged = _stage_all(store, [item.source for item in pending], progress)
    touched: dict[str, int | None] = {}  # table -> its version before this run
    try:
        versions = {}
        for table, item in zip(staged, pending, strict=True):
            touched[table.name] = before = current_version(store, table.name)
            versions[table.name] = commit_table(store, table, run_id, before, item.fingerprint)
        merged = {}
        for item, changes in merges:
            name = item.source.name
            touched[name] = current_version(store, name)
            versions[name] = merge_changes(
                store, name, changes, item.source.merge_key, run_id, item.fingerprint
            )
            merged[name] = merged_table_facts(store, name)
        progress(_committed_line(versions, unchanged, [changes for _, changes in merges]))
        kept = set(keep)
        document = {
            "run_id": run_id,
            "as_of": None if as_of is None else str(as_of),
            "as_of_source": as_of_source,
            "published_at": (now or datetime.now(UTC)).isoformat(),
            "inputs_signature": inputs_signature,
            "tables": {
                **{n: {**e, "uri": store.uri(n)} for n, e in previous.get("tables", {}).items() if n in kept},
                **unchanged,
                **{
                    table.name: _entry(store, item, versions[table.name], table.rows, table.schema, run_id)
                    for table, item in zip(staged, pending, strict=True)
                },
                **{
                    item.source.name: _entry(
                        store, item, versions[item.source.name], *merged[item.source.name], run_id
                    )
                    # how the version was made: readers and the console see that only these rows changed
                    | {"merged": {"rows_new_or_changed": changes.upserted, "rows_removed": changes.deleted}}
                    for item, changes in merges
                },
            },
        }
        if preflight is not None:
            preflight(run_manifest_key(run_id), encode(document))
        save_manifests(store, document)
    except BaseException as error:  # an interrupted run (Ctrl-C, termination) is put back too
        _put_back(store, touched, run_id, previous.get("run_id"), error)
        if not isinstance(error, Exception) or isinstance(error, PublishRefused):
            raise
        if _out_of_space(error):
            raise _full(store, "committing") from error
        raise PublishError(
            f"publishing run {run_id} failed ({_brief(error)}); every table is back at its previous version "
            "and the previous manifest still holds"
        ) from error
    return document


def _split_unchanged(
    store: Store, tables: Sequence[TableSource], previous: dict, rewrite_unchanged: bool
) -> tuple[dict[str, dict], list[_Pending]]:
    """The manifest entries of tables whose content is what their current version already holds (kept
    as they are, with this run's checks), and the tables to write."""
    recorded = previous.get("tables", {})
    unchanged: dict[str, dict] = {}
    pending: list[_Pending] = []
    for source in tables:
        fingerprint = source.fingerprint() if source.fingerprint is not None else None
        entry = recorded.get(source.name)
        if (
            not rewrite_unchanged
            and fingerprint is not None
            and entry is not None
            and entry.get("fingerprint") == fingerprint
            # the version the manifest names is still current (no failed undo, no writer outside runs)
            and holds_version(store, source.name, entry["version"])
        ):
            # named where this store holds it: a publish folder copied or synced elsewhere keeps working
            unchanged[source.name] = {**entry, "uri": store.uri(source.name), "checks": dict(source.checks)}
        else:
            pending.append(_Pending(source, fingerprint))
    return unchanged, pending


def _entry(store: Store, item: _Pending, version: int, rows: int, schema, run_id: str) -> dict:
    """A written table's entry in the run's manifest."""
    return {
        "uri": store.uri(item.source.name),
        "version": version,
        "rows": rows,
        "schema": describe_schema(schema),
        "checks": dict(item.source.checks),
        "run_id": run_id,
        "fingerprint": item.fingerprint,
    }


_MAX_CHANGED_SHARE = 0.2  # beyond a fifth of the rows changed, a rewrite costs no more than a MERGE


def _plan_merges(
    store: Store, pending: list[_Pending], previous: dict, min_rows: int | None
) -> tuple[list[tuple[_Pending, RowChanges]], list[_Pending]]:
    """The pending tables committed by MERGE, each with its changes, and the rest (staged and rewritten).
    A table is merged when it is keyed, was published with at least `min_rows` rows, is still at the
    version the manifest names, keeps its columns, and at most a fifth of its rows changed."""
    if min_rows is None:
        return [], pending
    recorded = previous.get("tables", {})
    merges, rest = [], []
    for item in pending:
        source, entry = item.source, recorded.get(item.source.name)
        changes = None
        if (
            source.changes is not None
            and source.merge_key
            and entry is not None
            and entry.get("rows", 0) >= min_rows
            and holds_version(store, source.name, entry["version"])
        ):
            try:
                published = published_dataset(store, source.name)
                changes = source.changes(published, max(1, int(entry["rows"] * _MAX_CHANGED_SHARE)))
                incoming = None if changes is None else changes.rows.schema
                if incoming is not None and not same_columns(
                    published, incoming.remove(incoming.get_field_index(DELETED))
                ):
                    changes = None
            except Exception as error:  # the comparison is an optimisation: a rewrite is always right
                log.warning(
                    f"Comparing {source.name} with its published version failed ({_brief(error)}); "
                    "it is rewritten whole"
                )
                changes = None
        if changes is None:
            rest.append(item)
        else:
            merges.append((item, changes))
    return merges, rest


def _committed_line(
    versions: Mapping[str, int], unchanged: Mapping[str, dict], merged: Sequence[RowChanges] = ()
) -> str:
    line = f"Committed {len(versions)} tables"
    if versions:
        line += f" (Delta versions {_span(versions.values())})"
    if merged:
        upserted, deleted = sum(c.upserted for c in merged), sum(c.deleted for c in merged)
        line += f", {len(merged)} by MERGE ({upserted:,} rows new or changed, {deleted:,} removed)"
    if unchanged:
        line += f"; {len(unchanged)} unchanged kept their version"
    return line


def _span(values: Iterable[int]) -> str:
    low, high = min(values, default=0), max(values, default=0)
    return str(low) if low == high else f"{low}-{high}"


def _brief(error: BaseException) -> str:
    """The first line of an error (delta-rs appends whole tracebacks); the full chain stays attached."""
    lines = str(error).strip().splitlines() or [type(error).__name__]
    return lines[0][:300]


def _stage_all(
    store: Store, tables: Sequence[TableSource], progress: Callable[[str], None]
) -> list[StagedTable]:
    staged: list[StagedTable] = []
    with store.scratch_dir() as scratch:
        for source in tables:
            try:
                staged.append(stage_table(store, source.name, source.open_reader(), scratch))
            except Exception as error:
                discard_quietly(store, [key for table in staged for key in table.keys])
                if _out_of_space(error):
                    raise _full(store, f"staging {source.name}") from error
                raise PublishError(
                    f"staging {source.name} failed ({_brief(error)}); nothing was committed, "
                    "every table is at its previous version"
                ) from error
            log.debug(f"Staged {source.name}: {staged[-1].rows:,} rows in {len(staged[-1].actions)} file(s)")
    progress(f"Staged {len(staged)} tables, {sum(table.rows for table in staged):,} rows")
    return staged


def _put_back(
    store: Store, touched: dict[str, int | None], run_id: str, previous_run: str | None, error: Exception
) -> None:
    """Undo this run's commits: each touched table back to its version before the run."""
    try:
        for name, before in touched.items():
            now = current_version(store, name)
            if now == before:
                continue  # the commit never happened
            if before is None:
                drop_table(store, name)
            else:
                restore_table(store, name, before, reason=f"undo failed run {run_id}")
        store.delete([run_manifest_key(run_id)])
    except Exception as undo_error:
        remedy = (
            f"`python3 tasks.py rollback {previous_run}`"
            if previous_run
            else "a new run (nothing had been published before)"
        )
        raise PublishError(
            f"publishing run {run_id} failed ({_brief(error)}), and putting the tables back failed too "
            f"({_brief(undo_error)}). Some tables may show this run's data while _manifest.json still "
            f"names the previous run; once storage is reachable, run {remedy}."
        ) from undo_error
