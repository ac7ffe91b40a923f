"""Import Great Expectations without pyspark ending the process.

When pyspark is installed (the `[spark]` extra), GX imports `pyspark.sql.connect`, whose first import checks
whether it runs as a doctest: a `__main__` with neither a file nor a module spec, in a process that is not
interactive. Then it calls `sys.exit(0)` (pyspark/sql/connect/utils.py, `check_dependencies`). Dagster's run
workers, which run every job launched from the UI, a schedule or a sensor, have such a `__main__`: each
expectation check failed with `SystemExit: 0`. Marking the process interactive (`sys.ps1`) for this one
import skips that branch; nothing else reads it meanwhile, and it is removed again.
"""

import sys
from types import ModuleType


def great_expectations() -> ModuleType:
    """The `great_expectations` module, imported on first use (GX costs seconds; definitions do not pay)."""
    if "great_expectations" not in sys.modules:
        marked = not hasattr(sys, "ps1")
        if marked:
            sys.ps1 = ">>> "
        try:
            import great_expectations  # noqa: F401
        finally:
            if marked:
                del sys.ps1
    return sys.modules["great_expectations"]
