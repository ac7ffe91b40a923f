"""Give memory a finished step freed back to the operating system.

A run executes every step in one process (definitions.py: DuckDB has one writer). Freed memory stays with
the process otherwise: Arrow's allocator (mimalloc) and glibc's heap keep it for reuse, so the 8.8 GB the
predictions step held at 10 M orders stayed resident while the dbt steps after it ran beside it in their
own process, and the next big step added its own on top. Measured on that step: 8.8 GB resident after it,
6.3 GB after garbage collection, 1.4 GB after Arrow's pool released what it holds unused, 0.3 GB after
glibc trimmed its heap.

A small process is left alone: a full garbage collection walks every live object, 0.4 s with Dagster, Great
Expectations and the learning libraries loaded, and on a 60-customer shop it returned 3-10 MB per step (about
20 steps, 8 s of a 60 s run).
"""

import ctypes
import ctypes.util
import gc
import os

import pyarrow as pa

# below this the process holds little beyond its libraries, so there is little to give back
WORTH_RETURNING_BYTES = 1 << 30


def return_freed_memory() -> None:
    """Collect garbage, then ask Arrow's pool and (on glibc) malloc to hand free pages back, when the process
    is large enough for that to matter."""
    resident = resident_bytes()
    if resident is not None and resident < WORTH_RETURNING_BYTES:
        return
    gc.collect()
    pa.default_memory_pool().release_unused()
    if (libc := _glibc()) is not None:
        libc.malloc_trim(0)


def resident_bytes() -> int | None:
    """This process's resident memory, from /proc (Linux); None where there is no /proc."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _glibc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None
