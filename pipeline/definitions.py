"""The code location `workspace.yaml` names: merges each domain's definitions, applies project policies."""

import dagster as dg

from pipeline.defs.automation.jobs import customer_pulse_job
from pipeline.defs.automation.schedules import every_6_hours_customer_pulse_schedule
from pipeline.defs.dbt import assets as dbt_assets
from pipeline.defs.dbt.project import DBT_PROJECT_DIR
from pipeline.defs.ingest import assets as ingest_assets
from pipeline.defs.publish import assets as publish_assets
from pipeline.defs.quality import checks as quality_checks
from pipeline.defs.quality import volume
from pipeline.resources import build_resources
from pipeline.settings import PulseSettings


def build_definitions() -> dg.Definitions:
    # the schedule's timezone is the one setting needed when definitions load
    timezone = PulseSettings.from_env().schedule_timezone
    return dg.Definitions.merge(
        ingest_assets.defs,
        dbt_assets.defs,
        quality_checks.defs,
        volume.defs,
        # publishing is gated on every check the dbt tests, expectation suites and the volume check define
        publish_assets.build_publish_defs(
            [dbt_assets.pulse_dbt_models, *quality_checks.defs.asset_checks, *volume.defs.asset_checks]
        ),
        dg.Definitions(
            jobs=[customer_pulse_job],
            schedules=[every_6_hours_customer_pulse_schedule(timezone)],
            resources=build_resources(DBT_PROJECT_DIR),
            # one step at a time: DuckDB allows one writer, and dbt and Python assets share the file
            executor=dg.in_process_executor,
        ),
    )


defs = build_definitions()
