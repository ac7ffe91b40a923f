"""`python3 tasks.py run` three times on one shop: a run on unchanged data builds nothing and writes nothing,
and a corrected order gives a new Delta version exactly to the tables whose content it changes; every
run's manifest still names a version of every table."""

import json
import re
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
from deltalake import DeltaTable

from tests.conftest import ORDER_COLUMNS, run_paths, write_csv
from tests.integration.pipeline_runs import run_tasks_py

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ORDERS = [
    [
        f"o{i}",
        f"c{i % 4}",
        f"2025-0{1 + i % 3}-{10 + i:02d} 10:00:00",
        f"{10 * i}.50",
        "completed",
        "EUR",
        "",
        "",
    ]
    for i in range(1, 13)
]


def _manifest(published: Path) -> dict:
    return json.loads((published / "_manifest.json").read_text())


def _rows(entry: dict) -> pd.DataFrame:
    """A published version's rows in a stable order; floats at 9 decimals (last-bit noise is no change)."""
    frame = DeltaTable(entry["uri"], version=entry["version"]).to_pandas()
    floats = frame.select_dtypes("floating").columns
    frame[floats] = frame[floats].round(9)
    frame = frame.astype(str)
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rerun")
    env = {**run_paths(tmp), "PULSE_AS_OF": "2025-03-31"}
    orders, published, manifests, outputs = tmp / "raw/orders.csv", tmp / "published", [], []
    corrected = [row[:3] + ["99.99"] + row[4:] if row[0] == "o5" else row for row in ORDERS]
    for rows in (ORDERS, ORDERS, corrected):
        write_csv(orders, ORDER_COLUMNS, rows)
        result = run_tasks_py(env, tmp / "dagster_home")
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        manifests.append(_manifest(published))
        outputs.append(result.stdout)
    return manifests, outputs, tmp / "dagster_home"


def test_a_run_on_the_same_data_builds_nothing_and_the_published_tables_stand(three_runs):
    (first, second, _), outputs, home = three_runs
    assert second == first  # no table written, no manifest: the first run's versions stand
    assert "dbt build: nothing to build: the raw rows, settings and code are those run" in outputs[1]
    assert "Not run, nothing changed: Predictions, Segments and audiences" in outputs[1]
    # the run still records each published table as current, so the freshness policy sees it
    run_id = re.search(r"^Run ([0-9a-f-]{36}) of customer_pulse_job", outputs[1], re.MULTILINE)[1]
    with dg.DagsterInstance.from_config(str(home)) as instance:
        entries = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    recorded = {
        entry.dagster_event.asset_key.to_user_string(): entry.dagster_event.materialization.metadata
        for entry in entries
    }
    published = {key for key in recorded if key.startswith("published_")}
    assert published == {f"published_{name}" for name in first["tables"]}
    assert set(recorded) - published == {
        key for key in recorded if key.startswith("raw/")
    }  # loaded, no model
    for name, entry in first["tables"].items():
        metadata = recorded[f"published_{name}"]
        assert metadata["kept_by"].value == "nothing to build", name
        assert metadata["delta_version"].value == entry["version"], name


def test_a_corrected_order_gives_a_new_version_exactly_where_content_changed(three_runs):
    (_, second, third), outputs, _ = three_runs
    assert third["tables"]["fct_orders"]["version"] > second["tables"]["fct_orders"]["version"]
    assert set(third["tables"]) == set(second["tables"])  # still a whole snapshot
    kept = set()
    for name, entry in third["tables"].items():
        changed = not _rows(second["tables"][name]).equals(_rows(entry))
        assert (entry["version"] != second["tables"][name]["version"]) == changed, name
        if not changed:  # a kept table names the run that wrote its version
            kept.add(name)
            assert entry["run_id"] == second["tables"][name]["run_id"] != third["run_id"]
    assert {"quarantined_orders", "order_reconciliation"} <= kept
    assert re.search(rf"Publish: \d+ written, {len(kept)} unchanged \(no new version\)", outputs[2])
