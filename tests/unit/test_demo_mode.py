"""Demo mode: the pipeline writes the demo shop into the raw folder, and only then imports the generator."""

import subprocess
import sys
from types import SimpleNamespace

import pytest

from pipeline.defs.ingest.assets import prepare_demo_shop
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
