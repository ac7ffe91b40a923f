"""The code location `workspace.yaml` names: merges each domain's definitions, applies project policies."""

import dagster as dg

from pipeline.defs.automation.jobs import customer_pulse_job
from pipeline.defs.automation.schedules import every_6_hours_customer_pulse_schedule
from pipeline.defs.automation.sensors import new_raw_files_sensor
from pipeline.defs.dbt import assets as dbt_assets
from pipeline.defs.dbt.project import DBT_PROJECT_DIR
from pipeline.defs.ingest import assets as ingest_assets
from pipeline.defs.ml import assets as ml_assets
from pipeline.defs.publish import assets as publish_assets
from pipeline.defs.publish import prediction_history
from pipeline.defs.publish.published_tables import published_tables
from pipeline.defs.quality import checks as quality_checks
from pipeline.defs.quality import plain_contacts, volume
from pipeline.defs.targeting import assets as targeting_assets
from pipeline.defs.targeting import exports as audience_exports
from pipeline.resources import build_resources
from pipeline.settings import schedule_timezone


def build_definitions() -> dg.Definitions:
    # the schedule's timezone is the one setting needed when definitions load
    timezone = schedule_timezone()
    upstream = dg.Definitions.merge(
        ingest_assets.defs,
        dbt_assets.defs,
        ml_assets.defs,
        targeting_assets.defs,
        quality_checks.defs,
        volume.defs,
        plain_contacts.defs,
    )
    return dg.Definitions.merge(
        upstream,
        # publishing is gated on every check upstream defines on each published table's source
        publish_assets.build_publish_defs(published_tables(), upstream),
        # upload files follow the tables they come from, once those are published; so does the ledger
        audience_exports.defs,
        prediction_history.defs,
        dg.Definitions(
            jobs=[customer_pulse_job],
            schedules=[every_6_hours_customer_pulse_schedule(timezone)],
            sensors=[new_raw_files_sensor],
            resources=build_resources(DBT_PROJECT_DIR),
            # one step at a time: DuckDB allows one writer, and dbt and Python assets share the file
            executor=dg.in_process_executor,
        ),
    )


defs = build_definitions()
