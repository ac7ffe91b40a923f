"""dbt is told which warehouse to build in on its command line, not through the environment.

The warehouse path is relative here on purpose: the settings resolve it against the directory the run
started in, while dbt runs inside dbt_project/, where a path read from the environment would land.
"""

import os

import dagster as dg
import duckdb
import pytest

from tests.conftest import DBT_PROJECT_DIR, ORDER_COLUMNS, write_csv
from tests.integration.pipeline_runs import pulse_settings, run_job_in_process

pytestmark = pytest.mark.integration


def test_dbt_builds_in_the_configured_warehouse_and_leaves_the_environment_alone(tmp_path, monkeypatch):
    write_csv(
        tmp_path / "raw" / "orders.csv",
        ORDER_COLUMNS,
        [["o1", "c1", "2025-03-01 10:00:00", "25.00", "completed", "EUR", "email", ""]],
    )
    monkeypatch.chdir(tmp_path)
    relative = {"PULSE_RAW_PATH": "raw", "PULSE_DUCKDB_PATH": "warehouse.duckdb", "PULSE_PUBLISH_URI": "out"}
    with pulse_settings(relative):
        before = dict(os.environ)
        result = run_job_in_process(
            asset_selection=dg.AssetSelection.groups("raw") | dg.AssetSelection.assets("stg_shop__orders")
        )
        after = dict(os.environ)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    assert after == before
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        assert con.sql("select order_id from staging.stg_shop__orders").fetchall() == [("o1",)]
    assert not (DBT_PROJECT_DIR / "warehouse.duckdb").exists()
