"""The dashboards stay on their side of the architecture's lines: no Dagster, no warehouse, no deltalake
or boto3 of their own (only the storage module touches published files)."""

import subprocess
import sys
from pathlib import Path

from tests.imports import imported_modules, within

DASHBOARDS = Path(__file__).resolve().parents[2] / "dashboards"
FORBIDDEN = {"dagster", "dagster_dbt", "deltalake", "boto3", "pipeline.engine", "pipeline.defs"}


def test_no_dashboard_file_imports_what_it_must_not():
    for path in DASHBOARDS.rglob("*.py"):
        bad = {n for n in imported_modules(path) if any(within(n, f) for f in FORBIDDEN)}
        assert not bad, f"{path.relative_to(DASHBOARDS.parent)} imports {sorted(bad)}"


def test_loading_the_dashboards_does_not_load_dagster():
    modules = ["dashboards.session", "dashboards.menu"] + [
        f"dashboards.data.{p.stem}" for p in (DASHBOARDS / "data").glob("*.py") if p.stem != "__init__"
    ]
    code = (
        f"import sys; [__import__(m) for m in {modules!r}]; "
        "print(sorted(m for m in sys.modules if 'dagster' in m))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=DASHBOARDS.parent, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
