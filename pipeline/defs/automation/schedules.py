"""Four runs a day (00:00, 06:00, 12:00, 18:00 in PULSE_SCHEDULE_TIMEZONE)."""

import dagster as dg

from pipeline.defs.automation.jobs import customer_pulse_job

EVERY_SIX_HOURS = "0 */6 * * *"


def every_6_hours_customer_pulse_schedule(timezone: str) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name="every_6_hours_customer_pulse_schedule",
        job=customer_pulse_job,
        cron_schedule=EVERY_SIX_HOURS,
        execution_timezone=timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
