"""After a step that holds customer-sized frames, hand the memory it freed back (pipeline/process_memory.py):
every step of a run shares one process, so what one step kept resident the next steps paid for again."""

import dagster as dg

from pipeline.process_memory import return_freed_memory

# the Python steps that read whole tables into memory: training and scoring, the segment inputs, and each
# expectation suite (a frame of the checked table); other steps hold little, and collecting after each of
# them would cost time for nothing
_FRAME_STEPS = ("predictions", "category_segments", "audience_members")
_FRAME_STEP_SUFFIX = "_passes_expectations"


@dg.success_hook(name="return_freed_memory")
def return_freed_memory_hook(context: dg.HookContext) -> None:
    name = context.op.name
    if name in _FRAME_STEPS or name.endswith(_FRAME_STEP_SUFFIX):
        return_freed_memory()
