"""Putting back what a killed run committed.

A run stopped by SIGKILL or a power cut while committing its tables (publication.py, step 2) cannot undo
itself: some tables are left at versions of a run that never wrote its manifest, so a reader of those
Delta tables sees a mix of two runs until the next publish. The next publish therefore starts here: a
table whose versions after the one `_manifest.json` names were written by a run with no
`_runs/<run_id>.json` (it never finished) is restored to the manifest's version, or removed when no
manifest names it (the killed run created it). Commits of finished runs, restores and vacuums are left
alone, so a rollback or retention's clean-up is never undone.
"""

from collections.abc import Callable, Iterable

from pipeline.storage.delta_tables import RUN_ID_KEY, drop_table, newest_change, restore_table
from pipeline.storage.locations import Store
from pipeline.storage.manifest import load_run_manifest


def put_back_interrupted(
    store: Store, previous: dict, names: Iterable[str], progress: Callable[[str], None]
) -> dict[str, str]:
    """Undo an unfinished run's commits on the tables of `previous` (the current manifest) and `names`;
    returns each table put back with the run it undid."""
    recorded = previous.get("tables", {})
    finished: dict[str, bool] = {}
    put_back: dict[str, str] = {}
    for name in sorted(set(names) | set(recorded)):
        entry = recorded.get(name)
        change = newest_change(store, name, entry["version"] if entry is not None else -1)
        run = None if change is None or change.get("operation") == "RESTORE" else change.get(RUN_ID_KEY)
        if not run:
            continue  # as the manifest says, or changed by a restore (rollback, undo) or outside runs
        if run not in finished:
            finished[run] = load_run_manifest(store, run) is not None
        if finished[run]:
            continue
        if entry is None:
            drop_table(store, name)
        else:
            restore_table(store, name, entry["version"], reason=f"undo interrupted run {run}")
        put_back[name] = run
    if put_back:
        runs = ", ".join(sorted(set(put_back.values())))
        progress(
            f"Put back {len(put_back)} tables committed by interrupted run {runs} "
            f"(killed before its manifest): {', '.join(sorted(put_back))}"
        )
    return put_back
