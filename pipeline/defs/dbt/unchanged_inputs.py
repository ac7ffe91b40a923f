"""The first dbt step's question before it builds: are this run's inputs the ones the published tables were
made from (pipeline/unchanged_run.py)? Asked only by a run of the whole pipeline, the schedule's or
`tasks.py run`'s: a run a person starts for some assets in the UI builds what they chose."""

import dagster as dg

from pipeline.defs.automation.jobs import customer_pulse_job
from pipeline.defs.dbt.manifest_models import manifest_models
from pipeline.defs.dbt.project import dbt_project
from pipeline.defs.publish.published_tables import published_tables
from pipeline.engine import open_warehouse
from pipeline.run_cli.stages import UNCHANGED_METADATA
from pipeline.settings import PulseSettings
from pipeline.unchanged_run import SIGNATURE_TAG, inputs_signature, unchanged_since

RUN_CONTEXT_KEY = dg.AssetKey("int_run_context")
CLASSIFIED_ORDERS = "int_orders_classified"


def unchanged_inputs(
    context: dg.AssetExecutionContext, settings: PulseSettings
) -> tuple[dg.AssetObservation, dict] | None:
    """An observation saying which run's tables stand, and the manifest that lists them, when nothing
    needs building; else None, after recording this run's inputs signature on the run (publishing writes
    it into the manifest)."""
    if (
        context.run.job_name != customer_pulse_job.name
        or context.selected_asset_keys != context.assets_def.keys
    ):
        return None
    signature = inputs_signature(settings)
    context.instance.add_run_tags(context.run_id, {SIGNATURE_TAG: signature})
    warehouse_tables = [table.relation for table in published_tables()]
    models = manifest_models(dbt_project.manifest_path)
    classified = next(model.relation for model in models if model.name == CLASSIFIED_ORDERS)
    with open_warehouse(settings).reading() as reader:
        manifest = unchanged_since(
            context.instance, settings, signature, reader, warehouse_tables, classified
        )
    if manifest is None:
        return None
    observation = dg.AssetObservation(
        asset_key=RUN_CONTEXT_KEY,
        metadata={
            UNCHANGED_METADATA: f"nothing to build: the raw rows, settings and code are those run "
            f"{manifest['run_id'][:8]} published as of {manifest['as_of']} from, so its tables stand "
            "(PULSE_FULL_REFRESH=true rebuilds)",
            "published_by_run": manifest["run_id"],
        },
    )
    return observation, manifest
