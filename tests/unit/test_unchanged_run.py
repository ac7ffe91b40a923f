"""A run whose inputs made the published tables builds nothing (pipeline/unchanged_run.py): the signature
follows the raw rows and the settings, and a run still rebuilds wherever the published tables might no
longer be what these inputs give."""

import dataclasses
import json
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.engine.duckdb_warehouse import DuckDBWarehouse
from pipeline.settings import PulseSettings
from pipeline.storage.manifest import MANIFEST_NAME
from pipeline.unchanged_run import inputs_signature, unchanged_since

RUN_ID = "0f0e0d0c-0000-4000-8000-000000000001"
CLASSIFIED = "intermediate.int_orders_classified"
TABLES = ["marts.customers"]


@pytest.fixture
def settings(tmp_path: Path) -> PulseSettings:
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("create schema raw; create schema marts; create schema intermediate")
    con.execute("create table raw.orders as select 'o1' as order_id, '10.50' as amount")
    con.execute("create table marts.customers as select 'c1' as customer_id")
    # one order dated far ahead, quarantined until the wall clock reaches it
    con.execute(
        f"create table {CLASSIFIED} as select 'o9' as order_id, "
        "timestamp '2099-01-08 19:40:48' as ordered_at, 'future_timestamp' as rejection_reason"
    )
    con.close()
    return PulseSettings(duckdb_path=tmp_path / "warehouse.duckdb", publish_uri=str(tmp_path / "published"))


def _publish(settings: PulseSettings, signature: str, as_of_source: str = "latest_order") -> None:
    folder = Path(settings.publish_uri)
    folder.mkdir(exist_ok=True)
    manifest = {"run_id": RUN_ID, "as_of": "2026-06-30 23:04:01", "as_of_source": as_of_source, "tables": {}}
    (folder / MANIFEST_NAME).write_text(json.dumps({**manifest, "inputs_signature": signature}))


def _instance(status: dg.DagsterRunStatus) -> dg.DagsterInstance:
    instance = dg.DagsterInstance.ephemeral()
    instance.add_run(dg.DagsterRun(job_name="customer_pulse_job", run_id=RUN_ID, status=status))
    return instance


def _found(settings: PulseSettings, status=dg.DagsterRunStatus.SUCCESS) -> dict | None:
    with DuckDBWarehouse(settings.duckdb_path).reading() as reader:
        return unchanged_since(
            _instance(status), settings, inputs_signature(settings), reader, TABLES, CLASSIFIED
        )


def _warehouse(settings: PulseSettings, sql: str) -> None:
    con = duckdb.connect(str(settings.duckdb_path))
    con.execute(sql)
    con.close()


def test_the_signature_follows_the_raw_rows_and_the_settings_but_not_a_full_refresh(settings):
    signature = inputs_signature(settings)
    assert inputs_signature(settings) == signature
    assert inputs_signature(dataclasses.replace(settings, full_refresh=True)) == signature
    assert inputs_signature(dataclasses.replace(settings, reporting_currency="USD")) != signature
    _warehouse(settings, "create table marts.rebuilt as select 1 as built")  # a run's own writes
    assert inputs_signature(settings) == signature
    _warehouse(settings, "update raw.orders set amount = '10.51'")
    assert inputs_signature(settings) != signature


def test_the_signature_follows_the_content_of_a_file_a_setting_names(settings, tmp_path):
    audiences = tmp_path / "audiences.yml"
    audiences.write_text("audiences: []\n")
    named = dataclasses.replace(
        settings, targeting=dataclasses.replace(settings.targeting, audiences_path=audiences)
    )
    signature = inputs_signature(named)
    audiences.write_text("audiences: [{name: lapsed}]\n")  # an edited audience is built, at the same path
    assert inputs_signature(named) != signature


def test_the_same_inputs_find_the_manifest_they_made(settings):
    _publish(settings, inputs_signature(settings))
    assert _found(settings)["run_id"] == RUN_ID


def test_other_inputs_or_a_full_refresh_rebuild(settings):
    _publish(settings, inputs_signature(settings))
    assert _found(dataclasses.replace(settings, full_refresh=True)) is None
    _warehouse(settings, "insert into raw.orders values ('o2', '3.00')")
    assert _found(settings) is None


def test_a_publishing_run_that_did_not_succeed_is_no_reason_to_stop(settings):
    _publish(settings, inputs_signature(settings))
    assert _found(settings, dg.DagsterRunStatus.FAILURE) is None
    assert _found(settings, dg.DagsterRunStatus.STARTED) is None  # killed after publishing


def test_an_as_of_from_the_wall_clock_rebuilds(settings):
    _publish(settings, inputs_signature(settings), as_of_source="wall_clock")
    assert _found(settings) is None


def test_a_warehouse_that_lost_its_tables_rebuilds(settings):
    _publish(settings, inputs_signature(settings))
    _warehouse(settings, "drop table marts.customers")
    assert _found(settings) is None


def test_a_future_dated_order_rebuilds_once_its_time_has_come(settings):
    _publish(settings, inputs_signature(settings))
    assert _found(settings) is not None  # 2099 is still ahead
    _warehouse(settings, f"update {CLASSIFIED} set ordered_at = timestamp '2026-01-01 00:00:00'")
    assert _found(settings) is None
    # the `now` dbt var stands for the wall clock, as it does in the models
    frozen = dataclasses.replace(settings, dbt_vars={"now": "2025-12-31 00:00:00"})
    _publish(frozen, inputs_signature(frozen))
    assert _found(frozen) is not None
