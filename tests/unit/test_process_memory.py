"""Memory a step freed goes back to the operating system after the steps that hold big frames."""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.defs.automation.jobs import customer_pulse_job
from pipeline.defs.automation.memory_hook import return_freed_memory_hook
from pipeline.process_memory import return_freed_memory


def resident_megabytes() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS"))
    return int(line.split()[1]) // 1000


def test_freed_arrow_memory_leaves_the_process():
    # 400 MB allocated by Arrow's pool (computed arrays), then dropped: the pool keeps it until asked
    numbers = pa.array(np.arange(25_000_000))
    doubled, tripled = pc.multiply(numbers, 2), pc.multiply(numbers, 3)
    del numbers, doubled, tripled
    held = resident_megabytes()
    return_freed_memory()
    assert resident_megabytes() < held - 300


def test_the_pipeline_job_returns_memory_after_its_steps():
    assert return_freed_memory_hook in customer_pulse_job.hooks
