"""The asset graph loads, and a snapshot of its keys (with each one's group and dependencies), checks, jobs,
schedules and sensors catches renames and rewiring; the groups read left to right, without cycles.

After an intended change: pytest tests/unit/test_definitions.py --update-snapshots
"""

import shutil
from collections import defaultdict
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import dagster as dg
import pytest

from pipeline.definitions import defs
from pipeline.defs.publish.assets import FRESHNESS, MANIFEST_KEY, gate_check_name, published_key
from pipeline.defs.publish.published_tables import published_tables
from tests.conftest import REPO_ROOT

SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.txt"
# the groups a run passes through, in order; the others (reference, lifecycle, dashboards) branch off them
GROUP_ORDER = (
    "raw", "staging", "orders", "customers", "features", "models", "predictions", "segments", "publish"
)  # fmt: skip


def _group_edges() -> dict[str, set[str]]:
    """Group -> the groups that read one of its assets."""
    graph = defs.resolve_asset_graph()
    edges = defaultdict(set)
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        for parent in node.parent_keys:
            if graph.get(parent).group_name != node.group_name:
                edges[graph.get(parent).group_name].add(node.group_name)
    return edges


def _graph_lines() -> list[str]:
    repo = defs.get_repository_def()
    graph = repo.asset_graph
    lines = []
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        parents = ", ".join(sorted(parent.to_user_string() for parent in node.parent_keys))
        line = f"asset {key.to_user_string()} [{node.group_name}]"
        lines.append(f"{line} <- {parents}" if parents else line)
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


def test_groups_read_left_to_right_without_cycles():
    edges = _group_edges()
    order = TopologicalSorter()
    for group, readers in edges.items():
        for reader in readers:
            order.add(reader, group)
    try:
        order.prepare()
    except CycleError as error:
        pytest.fail(f"the asset groups form a cycle: {' -> '.join(error.args[1])}")
    position = {group: index for index, group in enumerate(GROUP_ORDER)}
    backwards = [
        (group, reader)
        for group, readers in edges.items()
        for reader in readers
        if position.get(group, -1) > position.get(reader, len(GROUP_ORDER))
    ]
    assert backwards == []
    assert set(GROUP_ORDER) <= set(edges) | {"publish"}  # every group of the run is in the graph


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
