"""A run killed outright (SIGKILL to its whole process group, as the OOM killer or a lost node does) in
the dbt build, in the predictions step and in the middle of publishing: nothing half-published is left
for readers of the manifest, and the next run completes and publishes the same tables as a run that was
never interrupted. One shop (the sparse-repeat shape, 400 customers, so XGBoost trains) is run five
times: once uninterrupted in its own folders, then killed three times and completed in another's."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from deltalake import DeltaTable

from demo_shop.shapes import write_shape
from tests.conftest import REPO_ROOT, run_paths
from tests.integration.pipeline_runs import pulse_settings, run_job_in_process, run_tasks_py

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# columns that name a run, a model build or a wall-clock time: they differ between any two runs
VOLATILE = {"run_id", "model_version", "champion_version", "challenger_version", "published_at"}
# what this run trained: the killed run's model had become champion before publishing, so the repairing
# run scores with it instead of training the same model again (its scores and metrics are the same)
TRAINING_BOOKKEEPING = {
    "trained_this_run",
    "champion_decision",
    "challenger_primary_value",
    "champion_primary_value",
    "train_sample_rows",
    "final_sample_rows",
}
DBT_DONE = re.compile(r"dbt build: \d+ models built")
PREDICTIONS_DONE = re.compile(r"Predictions: \d+ written")


def _env(folder: Path) -> dict[str, str]:
    return {**run_paths(folder), "PULSE_AS_OF": "2026-06-30"}


def _killed_run(folder: Path, when: str) -> str:
    """Start `python3 tasks.py run` (as installed) and SIGKILL its process group at `when`:
    'dbt' two seconds into the dbt build, 'predictions' just after the dbt build's line, 'publish' the
    moment the first table commit of this run appears. Returns what it printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULSE_")} | _env(folder)
    env |= {"DAGSTER_HOME": str(folder / "dagster_home"), "PYTHONUNBUFFERED": "1"}
    (folder / "dagster_home").mkdir(exist_ok=True)
    (folder / "dagster_home" / "dagster.yaml").write_bytes(
        (REPO_ROOT / "dagster_home/dagster.yaml").read_bytes()
    )
    started = time.time()
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline.run_cli"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    printed: list[str] = []
    assert process.stdout is not None
    if when == "publish":
        logs = folder / "published"
        while process.poll() is None and not any(
            log.stat().st_mtime >= started for log in logs.glob("*/_delta_log/*.json")
        ):
            time.sleep(0.01)
    else:
        trigger, delay = {"dbt": ("Load raw files", 2.0), "predictions": ("dbt build:", 0.5)}[when]
        for line in process.stdout:
            printed.append(line)
            if line.strip().startswith(trigger):
                time.sleep(delay)
                break
    os.killpg(process.pid, signal.SIGKILL)
    printed.append(process.stdout.read())
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "".join(printed)[-3000:]
    return "".join(printed)


def _published(folder: Path) -> dict[str, pd.DataFrame]:
    """Every table the manifest names, at its version, in a stable row order without volatile columns."""
    manifest = json.loads((folder / "published" / "_manifest.json").read_text())
    tables = {}
    for name, entry in manifest["tables"].items():
        frame = DeltaTable(entry["uri"], version=entry["version"]).to_pandas()
        dropped = VOLATILE | (TRAINING_BOOKKEEPING if name == "model_metrics" else set())
        frame = frame.drop(columns=[c for c in frame.columns if c in dropped or c.endswith("_model_version")])
        floats = frame.select_dtypes("floating").columns
        frame[floats] = frame[floats].round(9)
        frame = frame.astype(str)
        tables[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return tables


def test_killed_runs_leave_nothing_half_published_and_the_next_run_repairs_them(tmp_path):
    reference, interrupted = tmp_path / "reference", tmp_path / "interrupted"
    for folder in (reference, interrupted):
        write_shape("sparse_repeat", folder / "raw", customers=400)
    with pulse_settings(_env(reference)):  # the same job, in process (no start-up to pay for)
        reference_run = run_job_in_process()
    assert reference_run.success, [event.message for event in reference_run.all_events if event.is_failure]

    # a stage's label is printed when it starts, its outcome when it is done
    in_dbt = _killed_run(interrupted, "dbt")
    assert "dbt build: " in in_dbt and not DBT_DONE.search(in_dbt), in_dbt[-2000:]
    in_predictions = _killed_run(interrupted, "predictions")
    assert DBT_DONE.search(in_predictions) and not PREDICTIONS_DONE.search(in_predictions), in_predictions[
        -2000:
    ]
    in_publish = _killed_run(interrupted, "publish")
    assert PREDICTIONS_DONE.search(in_publish) and "Published to" not in in_publish, in_publish[-2000:]
    published = interrupted / "published"
    committed = [log.parent.parent.name for log in published.glob("*/_delta_log/*.json")]
    assert committed, "the kill came before any table was committed"
    # readers of the manifest see nothing at all rather than a mix: no run was recorded
    assert not (published / "_manifest.json").exists() and not list(published.glob("_runs/*.json"))

    result = run_tasks_py(_env(interrupted), interrupted / "dagster_home", installed=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Put back" in result.stdout and "committed by interrupted run" in result.stdout, result.stdout[
        -3000:
    ]
    expected, repaired = _published(reference), _published(interrupted)
    assert set(repaired) == set(expected)
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(repaired[name], frame, obj=name)
