"""Runs page data: the recent runs (their manifests), what each published, and what each withheld and why."""

import pandas as pd

from dashboards.published import Published, open_published
from pipeline.storage import published_runs


def recent_runs(data: Published, limit: int = 20) -> pd.DataFrame:
    """The newest run manifests where `data` was published: when, as of when, and how many tables each
    wrote itself."""
    rows = []
    for manifest in published_runs(data.snapshot.uri)[:limit]:
        tables = manifest.get("tables", {})
        run_id = manifest["run_id"]
        written = [name for name, entry in tables.items() if entry.get("run_id", run_id) == run_id]
        rows.append(
            {
                "run_id": manifest["run_id"],
                "published_at": manifest.get("published_at"),
                "as_of": manifest.get("as_of"),
                "as_of_source": manifest.get("as_of_source"),
                "tables": len(tables),
                "written": len(written),
                "carried_over": len(tables) - len(written),
            }
        )
    return pd.DataFrame(rows)


def run_tables(data: Published, run_id: str) -> pd.DataFrame:
    """Every table of one run: its version and rows, whether this run wrote it, and any check not passed."""
    run = _run(data, run_id)
    if run is None:
        return pd.DataFrame()
    rows = []
    for name in run.snapshot.table_names:
        entry = run.snapshot.table_entry(name)
        checks = entry.get("checks") or {}
        rows.append(
            {
                "table": name,
                "version": entry.get("version"),
                "rows": entry.get("rows"),
                "written_by_this_run": entry.get("run_id", run_id) == run_id,
                "from_run": entry.get("run_id", run_id),
                "checks_passed": sum(1 for status in checks.values() if status == "passed"),
                "checks_not_passed": ", ".join(f"{c}: {s}" for c, s in checks.items() if s != "passed"),
            }
        )
    return pd.DataFrame(rows)


def withheld(data: Published, run_id: str) -> pd.DataFrame:
    """The targets a run did not predict with a model, and why (model_metrics at that run's version).

    `withheld` rows published nothing; before that release a weak target fell back to its `baseline`."""
    run = _run(data, run_id)
    if run is None or not run.has("model_metrics"):
        return pd.DataFrame(columns=["model", "category", "prediction_source", "reason"])
    return run.sql(
        """
        select model, category, prediction_source, reason,
        from model_metrics
        where prediction_source not in ('model', 'btyd')
        order by model, category nulls first
        """
    )


def _run(data: Published, run_id: str) -> Published | None:
    # the run the session shows is already open; another run opens its own snapshot
    return data if run_id == data.run_id else open_published(data.snapshot.uri, run_id)
