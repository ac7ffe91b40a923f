"""The demo shop is a source: the pipeline never imports it, and it reads nothing of the pipeline but the
settings (demo_shop/prepare.py, which decides where and whether to write the demo before a run)."""

from pathlib import Path

from tests.conftest import REPO_ROOT
from tests.imports import imported_modules, within

PIPELINE = REPO_ROOT / "pipeline"
DEMO_SHOP = REPO_ROOT / "demo_shop"
SETTINGS_READER = DEMO_SHOP / "prepare.py"


def _importers(package: Path, of: str) -> dict[str, list[str]]:
    found = {}
    for path in sorted(package.rglob("*.py")):
        names = sorted(n for n in imported_modules(path) if within(n, of))
        if names:
            found[str(path.relative_to(REPO_ROOT))] = names
    return found


def test_the_pipeline_never_imports_the_demo_shop():
    assert len(list(PIPELINE.rglob("*.py"))) > 50  # the scan sees the whole package
    assert _importers(PIPELINE, "demo_shop") == {}


def test_the_demo_shop_reads_only_the_pipelines_settings_and_only_to_prepare_a_run():
    assert _importers(DEMO_SHOP, "pipeline") == {
        str(SETTINGS_READER.relative_to(REPO_ROOT)): ["pipeline.settings"]
    }


def test_only_the_engine_seam_opens_the_warehouse_for_an_asset():
    """The assets, checks and publishing reach DuckDB or Spark through pipeline/engine alone, so a run on
    either engine is the same code (docs/spark.md). `duckdb` itself stays importable: the ledger and the
    change detection query Arrow in memory with it, not the warehouse."""
    defs = PIPELINE / "defs"
    opened = {
        importer: names
        for engine_module in (
            "pipeline.engine.duckdb_tables",
            "pipeline.engine.duckdb_warehouse",
            "pipeline.engine.spark",
            "pipeline.engine.spark_warehouse",
            "pipeline.warehouse_lock",
            "pyspark",
        )
        for importer, names in _importers(defs, engine_module).items()
    }
    assert len(list(defs.rglob("*.py"))) > 20
    assert opened == {}
