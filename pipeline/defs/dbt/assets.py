"""Every dbt model is an asset; `dbt build` runs models and tests (tests surface as asset checks).

Two steps over one project: SQL that reads tables Python assets write (predictions, segments, audiences,
declared as dbt sources) must run after those assets, so it is a second `dbt build` selection.
"""

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from pipeline.defs.dbt.cli_args import AFTER_PYTHON_TABLES, CODE_CHECKS, dbt_build_args
from pipeline.defs.dbt.partial_parse import keep_partial_parse
from pipeline.defs.dbt.project import dbt_project
from pipeline.defs.dbt.reconciliation import with_reconciliation
from pipeline.defs.dbt.row_counts import table_relations, with_row_counts
from pipeline.defs.dbt.run_results import disk_full, failed_nodes
from pipeline.defs.dbt.run_targets import prune_run_targets
from pipeline.defs.dbt.translator import PulseDbtTranslator
from pipeline.defs.dbt.unchanged_inputs import UNCHANGED_METADATA, unchanged_inputs
from pipeline.defs.publish.assets import kept_current
from pipeline.engine import open_warehouse
from pipeline.resources import PulseSettingsResource


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=PulseDbtTranslator(),
    exclude=f"{AFTER_PYTHON_TABLES} {CODE_CHECKS}",
)
def pulse_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, pulse: PulseSettingsResource):
    if (unchanged := unchanged_inputs(context, pulse.load())) is not None:
        # no model is yielded: Dagster skips every step after this one, and the published tables stand
        observation, manifest = unchanged
        context.log.info(observation.metadata[UNCHANGED_METADATA].value)
        yield observation
        for current in kept_current(manifest, context.run_id):
            context.log_event(current)
        return
    yield from dbt_build(context, dbt, pulse)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=PulseDbtTranslator(),
    select=AFTER_PYTHON_TABLES,
    exclude=CODE_CHECKS,
    name="pulse_dbt_segments",
)
def pulse_dbt_segments(context: dg.AssetExecutionContext, dbt: DbtCliResource, pulse: PulseSettingsResource):
    yield from dbt_build(context, dbt, pulse)


def dbt_build(context: dg.AssetExecutionContext, dbt: DbtCliResource, pulse: PulseSettingsResource):
    settings = pulse.load()
    prune_run_targets(dbt_project.project_dir / "target")
    # the warehouse path reaches profiles.yml as a dbt var on the command line (cli_args.py)
    warehouse = open_warehouse(settings)
    spark_port = warehouse.serve_dbt()  # a local Spark session: dbt builds in this process's JVM
    invocation = dbt.cli(dbt_build_args(settings, spark_port), context=context, raise_on_error=False)
    relations = table_relations(dbt_project.manifest_path)
    events = with_row_counts(invocation.stream(), warehouse, relations)
    yield from with_reconciliation(events, warehouse, relations)
    keep_partial_parse(invocation.target_path, dbt_project.project_dir)
    if not invocation.is_successful():
        run_results = invocation.get_artifact("run_results.json")
        failed = failed_nodes(run_results)
        cause = f" {full_disk}" if (full_disk := disk_full(run_results)) else ""
        raise dg.Failure(
            description=f"dbt build failed ({', '.join(failed) or 'see the dbt log'}):{cause} nothing "
            "downstream is published until it passes.",
            metadata={"failed_nodes": failed},
        )


defs = dg.Definitions(assets=[pulse_dbt_models, pulse_dbt_segments])
