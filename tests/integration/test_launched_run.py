"""A run the way the UI, the schedule and the sensor start one: submitted to the instance's run queue (the
shipped dagster.yaml), taken off it by `dagster-daemon`, and executed by the run launcher in a worker
process of its own (`dagster api execute_run`).

Every other end-to-end test runs the job inside its own process (`tasks.py run`, `dagster asset
materialize`). This path differs where it has hurt: the worker's bare `__main__` once ended every
expectation check when pyspark was installed (pipeline/expectations/gx_import.py), and only runs started
from the UI or the schedule failed.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import dagster as dg
import pytest
from deltalake import DeltaTable

from tests.conftest import ORDER_COLUMNS, REPO_ROOT, run_paths, write_csv
from tests.integration.pipeline_runs import shipped_instance_env
from tests.integration.spark_setup import ensure_spark_extra

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent
FINISHED = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}


def _orders() -> list[list[object]]:
    """Twelve customers with one to three orders each over half a year: enough for every table."""
    rows = []
    for customer in range(12):
        for order in range(customer % 3 + 1):
            month = 1 + (customer + 2 * order) % 6
            rows.append(
                [f"o{customer}-{order}", f"c{customer}", f"2025-0{month}-1{order} 10:00:00",
                 f"{20 + 5 * customer + order}.50", "completed", "EUR", "email", ""]
            )  # fmt: skip
    return rows


def _wait_for_end(
    instance: dg.DagsterInstance, run_id: str, daemon_log: Path, timeout: float
) -> dg.DagsterRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = instance.get_run_by_id(run_id)
        if run is not None and run.status in FINISHED:
            return run
        time.sleep(2)
    status = run.status if run is not None else "never created"
    pytest.fail(
        f"run {run_id} still {status} after {timeout:.0f} s; daemon: {daemon_log.read_text()[-3000:]}"
    )


@pytest.fixture(scope="module")
def launched_run(tmp_path_factory):
    ensure_spark_extra()  # the worker-only failure above needs pyspark installed to show
    tmp = tmp_path_factory.mktemp("launched")
    write_csv(tmp / "raw" / "orders.csv", ORDER_COLUMNS, _orders())
    home = tmp / "dagster_home"
    env = shipped_instance_env(run_paths(tmp) | {"PULSE_AS_OF": "2025-07-01"}, home)
    env |= {"DBT_SEND_ANONYMOUS_USAGE_STATS": "False", "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}"}
    workspace = ["-w", str(REPO_ROOT / "workspace.yaml")]
    with dg.DagsterInstance.from_config(str(home)):
        pass  # the storages are created once, before the daemon and the launch command both open them
    daemon_log = tmp / "daemon.log"
    with daemon_log.open("w") as log:
        daemon = subprocess.Popen(
            [str(BIN / "dagster-daemon"), "run", *workspace],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its run workers are stopped with it
        )
    try:
        run_id = str(uuid.uuid4())
        launch = [str(BIN / "dagster"), "job", "launch", *workspace, "-j", "customer_pulse_job"]
        submitted = subprocess.run(
            [*launch, "--run-id", run_id], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert submitted.returncode == 0, submitted.stdout[-3000:] + submitted.stderr[-3000:]
        with dg.DagsterInstance.from_config(str(home)) as instance:
            run = _wait_for_end(instance, run_id, daemon_log, timeout=900)
            events = instance.all_logs(run_id)
    finally:
        os.killpg(daemon.pid, 15)
        daemon.wait(timeout=60)
    return run, events, tmp


def test_the_queued_run_succeeds_in_its_own_worker(launched_run):
    run, events, _ = launched_run
    kinds = [event.dagster_event_type for event in events if event.is_dagster_event]
    failed = [
        event.message for event in events if event.dagster_event_type == dg.DagsterEventType.STEP_FAILURE
    ]
    assert run.status == dg.DagsterRunStatus.SUCCESS, failed or kinds[-5:]
    # it went through the queue and the launcher, as a run from the UI or the schedule does
    assert kinds.index(dg.DagsterEventType.RUN_ENQUEUED) < kinds.index(dg.DagsterEventType.RUN_STARTING)


def test_every_expectation_check_ran_and_passed_in_the_worker(launched_run):
    _, events, _ = launched_run
    checks = [
        event.dagster_event.event_specific_data
        for event in events
        if event.dagster_event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
    ]
    expectations = [check for check in checks if check.check_name.endswith("passes_expectations")]
    assert len(expectations) >= 5, [check.check_name for check in checks]
    assert [check.check_name for check in expectations if not check.passed] == []


def test_the_worker_published_the_customer_tables(launched_run):
    _, _, tmp = launched_run
    customers = DeltaTable(str(tmp / "published" / "customers")).to_pyarrow_table()
    assert customers.num_rows == 12
