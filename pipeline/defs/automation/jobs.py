"""`customer_pulse_job`: every asset, raw files to published tables, one run at a time."""

import dagster as dg

from pipeline.defs.automation.memory_hook import return_freed_memory_hook

# runs carrying this tag are limited to one at a time (dagster_home/dagster.yaml)
PIPELINE_RUN_TAG = {"customer_pulse/pipeline": "full"}

customer_pulse_job = dg.define_asset_job(
    name="customer_pulse_job",
    selection=dg.AssetSelection.all(),
    description="Raw files -> cleaned orders -> marts -> checks -> published tables.",
    tags=PIPELINE_RUN_TAG,
    hooks={return_freed_memory_hook},
)
