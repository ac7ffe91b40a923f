"""Memory a step freed goes back to the operating system after the steps that hold big frames, and a small
process is not made to pay a full garbage collection for nothing."""

import gc

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import process_memory
from pipeline.defs.automation.jobs import customer_pulse_job
from pipeline.defs.automation.memory_hook import return_freed_memory_hook
from pipeline.process_memory import resident_bytes, return_freed_memory

MB = 1 << 20


def test_freed_arrow_memory_leaves_the_process():
    # 1.4 GB allocated by Arrow's pool (computed arrays), then dropped: the pool keeps it until asked
    numbers = pa.array(np.arange(60_000_000))
    doubled, tripled = pc.multiply(numbers, 2), pc.multiply(numbers, 3)
    del numbers, doubled, tripled
    held = resident_bytes()
    assert held > process_memory.WORTH_RETURNING_BYTES
    return_freed_memory()
    assert resident_bytes() < held - 800 * MB


def test_a_process_under_the_threshold_skips_the_collection(monkeypatch):
    monkeypatch.setattr(process_memory, "WORTH_RETURNING_BYTES", resident_bytes() + 1024 * MB)
    collections: list[str] = []
    gc.callbacks.append(record := lambda phase, info: collections.append(phase))
    try:
        return_freed_memory()
        assert collections == []
        monkeypatch.setattr(process_memory, "WORTH_RETURNING_BYTES", 0)
        return_freed_memory()
        assert "start" in collections
    finally:
        gc.callbacks.remove(record)


def test_the_pipeline_job_returns_memory_after_its_steps():
    assert return_freed_memory_hook in customer_pulse_job.hooks
