"""The asset graph loads, and a snapshot of its keys, checks, jobs and schedules catches accidental renames.

After an intended change: pytest tests/unit/test_definitions.py --update-snapshots
"""

import shutil
from pathlib import Path

import dagster as dg
import pytest

from pipeline.definitions import defs
from tests.conftest import REPO_ROOT

SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.txt"


def _graph_lines() -> list[str]:
    repo = defs.get_repository_def()
    lines = [f"asset {key.to_user_string()}" for key in repo.asset_graph.get_all_asset_keys()]
    lines += [
        f"check {key.asset_key.to_user_string()}:{key.name}" for key in repo.asset_graph.asset_check_keys
    ]
    lines += [f"job {job.name}" for job in repo.get_all_jobs() if not job.name.startswith("__")]
    lines += [f"schedule {s.name} {s.cron_schedule}" for s in repo.schedule_defs]
    return sorted(lines)


def test_graph_matches_the_snapshot(request):
    lines = _graph_lines()
    if request.config.getoption("--update-snapshots"):
        SNAPSHOT.write_text("\n".join(lines) + "\n")
    assert lines == SNAPSHOT.read_text().splitlines()


def test_every_published_table_sits_downstream_of_its_dbt_model():
    graph = defs.resolve_asset_graph()
    published = [
        k for k in graph.get_all_asset_keys() if k.path[0] == "published" and k.path[1] != "manifest"
    ]
    assert published, "nothing is published"
    for key in published:
        assert dg.AssetKey(key.path[1]) in graph.get(key).parent_keys


def test_shipped_instance_runs_one_pipeline_at_a_time_without_telemetry(tmp_path):
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", tmp_path / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        queue = instance.get_concurrency_config().run_queue_config
        assert queue.max_concurrent_runs == 1
        assert {"key": "customer_pulse/pipeline", "limit": 1} in queue.tag_concurrency_limits
        assert instance.telemetry_enabled is False
        assert instance.nux_enabled is False  # no "Join the Dagster community" dialog over the UI


@pytest.mark.parametrize("job_name", ["customer_pulse_job"])
def test_pipeline_job_selects_every_asset(job_name):
    job = defs.resolve_job_def(job_name)
    assert set(job.asset_layer.selected_asset_keys) == set(defs.resolve_all_asset_keys())
