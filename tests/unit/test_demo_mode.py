"""Demo mode: the demo shop is written into the raw folder before a run (demo_shop/prepare.py), and loading
the pipeline never imports the generator."""

import os
import subprocess
import sys
from types import SimpleNamespace

import dagster as dg
import pytest

from demo_shop.prepare import main as prepare_main
from demo_shop.prepare import prepare_demo_shop
from pipeline.defs.ingest.assets import raw_files
from pipeline.resources import PulseSettingsResource
from pipeline.settings import PulseSettings, SettingsError
from tests.conftest import REPO_ROOT


def test_demo_mode_writes_the_shop_into_the_raw_folder_once_and_logs_progress(tmp_path):
    lines: list[str] = []
    settings = PulseSettings(raw_path=str(tmp_path / "raw"), demo=True, demo_customers=150, demo_seed=1)
    prepare_demo_shop(settings, SimpleNamespace(info=lines.append))
    assert {"orders.csv", "exchange_rates.csv"} <= {p.name for p in (tmp_path / "raw").iterdir()}
    assert lines[0] == f"demo shop: 150 customers (seed 1) into {tmp_path / 'raw'}"
    assert lines[-1].startswith("demo shop: done:")
    prepare_demo_shop(settings, SimpleNamespace(info=lines.append))
    assert lines[-1] == f"Demo shop already in {tmp_path / 'raw'} (150 customers)"


def test_demo_mode_never_writes_over_a_shops_own_files(tmp_path):
    (tmp_path / "orders.csv").write_text("order_id\n1\n")
    settings = PulseSettings(raw_path=str(tmp_path), demo=True)
    with pytest.raises(SettingsError, match=r"PULSE_DEMO is on but .* PULSE_RAW_PATH"):
        prepare_demo_shop(settings, SimpleNamespace(info=print))
    assert [p.name for p in tmp_path.iterdir()] == ["orders.csv"]


def test_loading_the_pipeline_does_not_import_the_generator():
    probe = "import sys, pipeline.definitions; print('demo_shop' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "False"


def test_a_demo_run_without_the_demo_shop_says_how_to_write_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PULSE_DEMO", "true")
    monkeypatch.setenv("PULSE_RAW_PATH", str(tmp_path / "not_written_yet"))
    monkeypatch.setenv("PULSE_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    result = dg.materialize([raw_files], resources={"pulse": PulseSettingsResource()}, raise_on_error=False)
    assert not result.success
    [failure] = [event for event in result.all_events if event.is_step_failure]
    description = failure.step_failure_data.user_failure_data.description
    assert "The demo shop is not in" in description and "python3 tasks.py run" in description
    assert not (tmp_path / "not_written_yet").exists()  # the pipeline never writes the demo itself


def test_prepare_before_a_run_writes_nothing_for_a_shops_own_files_and_says_a_settings_error(
    tmp_path, monkeypatch, capsys
):
    for name in [n for n in os.environ if n.startswith("PULSE_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PULSE_RAW_PATH", str(tmp_path / "shop"))  # a shop's own files: no demo
    assert prepare_main() == 0
    assert not (tmp_path / "shop").exists() and capsys.readouterr().out == ""
    monkeypatch.delenv("PULSE_RAW_PATH")
    monkeypatch.setenv("PULSE_DEMO", "false")
    assert prepare_main() == 2
    assert capsys.readouterr().out.startswith("Settings error: PULSE_DEMO=false but PULSE_RAW_PATH")
