"""Great Expectations loads in a process like Dagster's run workers (a `__main__` without a file or a
spec, not interactive), where pyspark's connect module, imported by GX when pyspark is installed, would
end the process with `sys.exit(0)` before any expectation ran."""

import importlib.util
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT


def _bare_main(code: str) -> subprocess.CompletedProcess:
    # `python -c` gives __main__ neither __file__ nor __spec__, as a Dagster run worker has
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )


def test_the_suites_load_in_a_process_with_a_bare_main():
    result = _bare_main(
        "from pipeline.expectations.suites import SUITES\n"
        "import sys\n"
        "print(len(SUITES['fct_orders']()), hasattr(sys, 'ps1'))\n"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    count, interactive = result.stdout.split()
    assert int(count) > 0 and interactive == "False"  # the mark is gone once GX is imported


def test_a_plain_import_there_ends_the_process_when_pyspark_is_installed():
    """The cause, kept visible: if pyspark stops doing this, gx_import.py can go."""
    if importlib.util.find_spec("pyspark") is None:
        pytest.skip("pyspark (the [spark] extra) is not installed")
    result = _bare_main("import great_expectations\nprint('imported')")
    if "imported" in result.stdout:
        pytest.skip("this pyspark no longer exits on import (its connect dependencies are all installed)")
    assert result.returncode == 0 and "Skipping doctests" in result.stderr
