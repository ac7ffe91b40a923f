"""Shared fixtures: isolated settings per test, hand-made raw folders, a real S3 API (moto server)."""

import csv
import importlib.util
import os
import sys
from pathlib import Path

import pytest

from pipeline.raw.contract import ENTITIES
from tests.s3_server import MotoServer

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"

# dagster-dbt runs `dbt` from PATH: make it the one beside this interpreter, whatever shell ran pytest
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "False"
os.environ["DO_NOT_TRACK"] = "1"

ORDER_COLUMNS = list(ENTITIES[0].columns)
S3_TEST_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-snapshots", action="store_true", help="rewrite tests/unit/snapshots/*")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each module runs whole in one worker (tasks.py test runs one per core, `--dist loadgroup`), so its
    module-scoped run happens once; the modules that read the shared demo shop run share a worker, so
    that run happens once too."""
    shared = {item.path for item in items if "demo_shop_job" in getattr(item, "fixturenames", ())}
    for item in items:
        item.add_marker(pytest.mark.xdist_group("demo_shop_run" if item.path in shared else item.path.stem))


def pytest_collection_finish(session: pytest.Session) -> None:
    """The Spark tests' extra is installed before any test runs (after `-m` and `-k` have deselected what
    will not run), not when their fixture starts: Great Expectations decides once, when a test first
    imports it, whether pyspark exists, and other tests import it before the Spark tests run."""
    if any(item.path.name == "test_spark_engine.py" for item in session.items):
        from tests.integration.spark_setup import ensure_spark_extra

        ensure_spark_extra()
    if os.environ.get("PYTEST_XDIST_WORKER") and importlib.util.find_spec("pyspark"):
        import_great_expectations_in_a_worker()


def import_great_expectations_in_a_worker() -> None:
    """A pytest-xdist worker runs under execnet, whose `__main__` has neither a spec nor a file. pyspark
    takes that for a doctest run and exits the process when Great Expectations imports its Spark Connect
    part without grpc (pyspark/sql/connect/utils.py). Import GX once looking interactive (`sys.ps1`), as
    the check allows: pyspark then raises ImportError, which GX expects, and GX keeps what it found."""
    sys.ps1 = ">>> "
    try:
        import great_expectations  # noqa: F401
    finally:
        del sys.ps1


def run_paths(folder: Path) -> dict[str, str]:
    """PULSE_* settings keeping a test's raw files, warehouse and published output inside `folder`."""
    return {
        "PULSE_RAW_PATH": str(folder / "raw"),
        "PULSE_DUCKDB_PATH": str(folder / "warehouse.duckdb"),
        "PULSE_PUBLISH_URI": str(folder / "published"),
    }


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="session")
def demo_shop_job(tmp_path_factory: pytest.TempPathFactory):
    """One whole pipeline run on a 300-customer demo shop, shared by the test modules that read its
    warehouse or published tables, or publish them again elsewhere (a run is a minute or two of CI): its
    folder, PULSE_* settings, the in-process result and the Dagster instance that holds its checks."""
    from demo_shop.generate import generate_demo_shop
    from tests.integration.pipeline_runs import in_memory_instance, pulse_settings, run_job_in_process

    folder = tmp_path_factory.mktemp("demo_shop_run")
    generate_demo_shop(folder / "raw", customers=300, seed=11)
    settings = run_paths(folder)
    with in_memory_instance() as instance:
        with pulse_settings(settings):
            result = run_job_in_process(instance=instance)
        assert result.success, [event.message for event in result.all_events if event.is_failure]
        yield folder, settings, result, instance


@pytest.fixture(scope="session")
def demo_shop_run(demo_shop_job) -> tuple[Path, dict[str, str]]:
    """The shared demo shop run's folder and PULSE_* settings."""
    folder, settings, _, _ = demo_shop_job
    return folder, settings


@pytest.fixture
def pulse_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """PULSE_* settings pointing into tmp_path, so a test never touches the developer's warehouse."""
    values = run_paths(tmp_path)
    for name in [n for n in os.environ if n.startswith("PULSE_")]:
        monkeypatch.delenv(name)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


@pytest.fixture(scope="session")
def s3_endpoint() -> str:
    """A real S3 HTTP API on 127.0.0.1 (moto's server mode), with throwaway credentials."""
    server = MotoServer()
    previous = {k: os.environ.get(k) for k in S3_TEST_CREDENTIALS}
    os.environ.update(S3_TEST_CREDENTIALS)
    yield server.endpoint
    server.stop()
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def s3_bucket(s3_endpoint: str, request: pytest.FixtureRequest) -> str:
    import boto3

    name = f"pulse-{request.node.name.lower().replace('_', '-')[:40]}"
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=name)
    return name
