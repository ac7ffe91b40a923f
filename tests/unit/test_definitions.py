"""The asset graph loads, and a snapshot of its keys, checks, jobs, schedules and sensors catches renames.

After an intended change: pytest tests/unit/test_definitions.py --update-snapshots
"""

import shutil
from pathlib import Path

import dagster as dg
import pytest

from pipeline.definitions import defs
from pipeline.defs.publish.assets import FRESHNESS, MANIFEST_KEY, gate_check_name, published_key
from pipeline.defs.publish.published_tables import published_tables
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
    lines += [f"sensor {s.name}" for s in repo.sensor_defs]
    return sorted(lines)


def test_graph_matches_the_snapshot(request):
    lines = _graph_lines()
    if request.config.getoption("--update-snapshots"):
        SNAPSHOT.write_text("\n".join(lines) + "\n")
    assert lines == SNAPSHOT.read_text().splitlines()


def test_every_published_table_sits_downstream_of_its_source_with_its_gate_visible_as_a_check():
    graph = defs.resolve_asset_graph()
    tables = published_tables()
    assert {"customers", "fct_orders", "quarantined_orders"} <= {table.name for table in tables}
    for table in tables:
        node = graph.get(published_key(table))
        assert table.asset_key in node.parent_keys
        assert node.group_name == "publish"
        assert dg.AssetCheckKey(published_key(table), gate_check_name(table)) in graph.asset_check_keys
        assert node.freshness_policy == FRESHNESS
    # the manifest lists every table, so the graph draws it after all of them
    assert {published_key(table) for table in tables} <= graph.get(MANIFEST_KEY).parent_keys


def test_new_raw_files_sensor_is_off_until_switched_on():
    sensor = defs.resolve_sensor_def("new_raw_files_sensor")
    assert sensor.default_status == dg.DefaultSensorStatus.STOPPED
    assert sensor.job_name == "customer_pulse_job"


def test_shipped_instance_runs_one_pipeline_at_a_time_without_telemetry(tmp_path):
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", tmp_path / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        queue = instance.get_concurrency_config().run_queue_config
        assert queue.max_concurrent_runs == 1
        assert {"key": "customer_pulse/pipeline", "limit": 1} in queue.tag_concurrency_limits
        assert instance.telemetry_enabled is False
        assert instance.freshness_enabled  # the daemon evaluates the published tables' freshness policies
        assert instance.nux_enabled is False  # no "Join the Dagster community" dialog over the UI


@pytest.mark.parametrize("job_name", ["customer_pulse_job"])
def test_pipeline_job_selects_every_asset(job_name):
    job = defs.resolve_job_def(job_name)
    assert set(job.asset_layer.selected_asset_keys) == set(defs.resolve_all_asset_keys())
