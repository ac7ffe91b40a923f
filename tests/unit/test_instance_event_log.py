"""The shipped instance settings keep Dagster's SQLite event log with pooled connections: an instance built
from dagster_home/dagster.yaml uses it, reads the history Dagster's own class wrote in the same files, keeps
every event of more runs than it keeps engines for, and starts again cleanly after a wipe."""

import shutil

import dagster as dg
import pytest
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from pipeline.instance_event_log import KEPT_ENGINES, PooledSqliteEventLogStorage
from tests.conftest import REPO_ROOT


@dg.asset
def counted() -> int:
    return 1


@dg.asset_check(asset=counted)
def counted_is_one(counted: int) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=counted == 1)


def _instance(home, monkeypatch) -> dg.DagsterInstance:
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return dg.DagsterInstance.get()


def _materialise(instance: dg.DagsterInstance) -> str:
    result = dg.materialize([counted, counted_is_one], instance=instance)
    assert result.success
    return result.run_id


@pytest.fixture
def home(tmp_path):
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", tmp_path / "dagster.yaml")
    return tmp_path


def test_the_shipped_instance_uses_the_pooled_event_log_in_dagsters_own_folder(home, monkeypatch):
    with _instance(home, monkeypatch) as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        run_id = _materialise(instance)
    assert (home / "history" / "runs" / f"{run_id}.db").exists()
    assert (home / "history" / "runs" / "index.db").exists()


def test_history_written_by_dagsters_class_reads_the_same_and_every_run_keeps_its_events(home, monkeypatch):
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")  # Dagster's own SQLite classes
    with _instance(home, monkeypatch) as instance:
        assert type(instance.event_log_storage) is SqliteEventLogStorage
        first = _materialise(instance)
        first_events = len(instance.all_logs(first))
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    with _instance(home, monkeypatch) as instance:
        assert len(instance.all_logs(first)) == first_events
        later = [_materialise(instance) for _ in range(KEPT_ENGINES + 2)]  # engines of early runs closed
        for run_id in [first, *later]:
            kinds = [e.dagster_event_type for e in instance.all_logs(run_id) if e.is_dagster_event]
            assert dg.DagsterEventType.RUN_SUCCESS in kinds, run_id
        latest = instance.get_latest_materialization_event(dg.AssetKey("counted"))
        assert latest is not None and latest.run_id == later[-1]
        check = instance.event_log_storage.get_latest_asset_check_execution_by_key(
            [dg.AssetCheckKey(dg.AssetKey("counted"), "counted_is_one")]
        )
        assert next(iter(check.values())).run_id == later[-1]


def test_a_wiped_instance_records_the_next_run(home, monkeypatch):
    with _instance(home, monkeypatch) as instance:
        _materialise(instance)
        instance.event_log_storage.wipe()
        assert instance.get_latest_materialization_event(dg.AssetKey("counted")) is None
        run_id = _materialise(instance)
        assert instance.get_latest_materialization_event(dg.AssetKey("counted")).run_id == run_id


def test_an_instance_opened_by_its_folder_reads_its_own_history(home, tmp_path, monkeypatch):
    with _instance(home, monkeypatch) as instance:
        run_id = _materialise(instance)
    elsewhere = tmp_path / "another_home"
    elsewhere.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(elsewhere))  # not the folder opened below
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_latest_materialization_event(dg.AssetKey("counted")).run_id == run_id
    assert not (elsewhere / "history").exists()
