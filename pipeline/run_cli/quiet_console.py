"""Send everything a run prints (dbt's per-model lines, Dagster's log) to a file, and keep the console
for the few lines this command writes itself."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


@contextmanager
def console_to_file(log_path: Path) -> Iterator[TextIO]:
    """Redirect file descriptors 1 and 2 (so subprocesses follow) to `log_path`; yield the real console."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved_out, saved_err = os.dup(1), os.dup(2)
    console = os.fdopen(os.dup(saved_out), "w", buffering=1, encoding="utf-8")
    try:
        with open(log_path, "ab") as log:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            try:
                yield console
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os.dup2(saved_out, 1)
                os.dup2(saved_err, 2)
    finally:
        console.close()
        os.close(saved_out)
        os.close(saved_err)
