"""The warehouse file held by another process (a real second process with DuckDB's write lock): a run
says in one sentence which process holds it, at once and without a traceback; so does the raw load, the
first step that opens the file inside a run."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.raw.load import load_raw_folder
from pipeline.warehouse_lock import WarehouseInUse, ensure_writable
from tests.conftest import ORDER_COLUMNS, REPO_ROOT, run_paths, write_csv

pytestmark = pytest.mark.integration

HOLDER = """
import sys, time
import duckdb

con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(120)
"""


@pytest.fixture
def held_warehouse(tmp_path):
    """A warehouse file a second Python process keeps open for writing; yields (path, that process)."""
    path = tmp_path / "warehouse.duckdb"
    script = tmp_path / "hold_warehouse.py"
    script.write_text(HOLDER)
    holder = subprocess.Popen([sys.executable, str(script), str(path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "holding"
    yield path, holder
    holder.kill()
    holder.wait()


def test_the_error_names_the_process_holding_the_warehouse(held_warehouse):
    path, holder = held_warehouse
    with pytest.raises(WarehouseInUse) as raised:
        ensure_writable(path)
    message = str(raised.value)
    assert message.startswith(f"the warehouse {path} is in use by PID {holder.pid} (")
    # its command line, short, so a person knows which process to stop
    assert f"(python hold_warehouse.py {path.parent}/" in message
    assert "stop that process" in message and "\n" not in message


def test_a_missing_warehouse_is_free(tmp_path):
    ensure_writable(tmp_path / "new.duckdb")
    assert not (tmp_path / "new.duckdb").exists()


def test_the_raw_load_inside_a_run_raises_the_same_sentence(held_warehouse, tmp_path):
    path, holder = held_warehouse
    write_csv(tmp_path / "raw/orders.csv", ORDER_COLUMNS, [["o1", "c1", "2025-01-01", "10", "", "", "", ""]])
    with pytest.raises(WarehouseInUse, match=f"in use by PID {holder.pid} "):
        load_raw_folder(tmp_path / "raw", path)


def test_a_run_that_cannot_open_the_warehouse_says_so_in_one_line_within_seconds(held_warehouse, tmp_path):
    path, holder = held_warehouse
    write_csv(tmp_path / "raw/orders.csv", ORDER_COLUMNS, [["o1", "c1", "2025-01-01", "10", "", "", "", ""]])
    env = {name: value for name, value in os.environ.items() if not name.startswith("PULSE_")}
    env |= {**run_paths(tmp_path), "PULSE_DUCKDB_PATH": str(path), "DAGSTER_HOME": str(tmp_path / "home")}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.run_cli"], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    took = time.monotonic() - started
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == f"Customer Pulse: {tmp_path / 'raw'} -> {tmp_path / 'published'}"
    assert lines[1].startswith(f"Cannot start: the warehouse {path} is in use by PID {holder.pid} (")
    assert len(lines) == 2 and "Traceback" not in result.stderr
    assert took < 15, f"the refusal took {took:.1f} s: the orchestrator was imported before the check"
    assert not Path(tmp_path / "home").exists()  # no run was created
