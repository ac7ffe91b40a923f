"""The warehouse file held by another process: one sentence naming that process, not DuckDB's IO error.

DuckDB lets one process write a database file (and none read it meanwhile), and says who holds it only in
the middle of its error text: `Could not set lock on file "<path>": Conflicting lock is held in <program>
(PID <pid>)`. Every connection the pipeline opens goes through `connect`, which turns that error into
`WarehouseInUse` with the holder's command line, so a run's console says what to stop.
"""

import re
from pathlib import Path

import duckdb

_CONFLICT = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")
_COMMAND_CHARS = 160  # enough to tell `dagster dev` from a notebook; a long command line is cut


class WarehouseInUse(RuntimeError):
    """Another process holds the warehouse file; the message names it and what to do."""


def command_line(pid: int, program: str = "") -> str:
    """What process `pid` runs, from /proc (Linux), short: the program and a script by their file names
    (`python dagster dev -w workspace.yaml`), whitespace collapsed, cut at 160 characters. Elsewhere, the
    program DuckDB named."""
    try:
        parts = [
            part.decode(errors="replace") for part in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        ]
    except OSError:
        return program or "unknown program"
    parts = [part for part in parts if part]
    if not parts:
        return program or "unknown program"
    # the interpreter and the script it runs (`/venv/bin/python /venv/bin/dagster`): their names say enough
    head = [Path(part).name if "/" in part else part for part in parts[:2]]
    command = " ".join(" ".join([*head, *parts[2:]]).split())
    return command if len(command) <= _COMMAND_CHARS else command[: _COMMAND_CHARS - 3] + "..."


def in_use_error(error: duckdb.Error, path: Path) -> WarehouseInUse | None:
    """The sentence for a lock conflict, or None when `error` is something else."""
    found = _CONFLICT.search(str(error))
    if found is None:
        return None
    pid = int(found["pid"])
    return WarehouseInUse(
        f"the warehouse {path} is in use by PID {pid} ({command_line(pid, found['program'])}); "
        "stop that process or wait until it is done, then run again (or set PULSE_DUCKDB_PATH to "
        "another file)"
    )


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect`, with a lock conflict raised as WarehouseInUse."""
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as error:
        if (in_use := in_use_error(error, path)) is not None:
            raise in_use from None
        raise


def ensure_writable(path: Path) -> None:
    """Raise WarehouseInUse now, before a run starts, if another process holds the file (a missing file
    is free: the run creates it)."""
    if path.exists():
        connect(path).close()
