from datetime import datetime
from itertools import islice
from zoneinfo import ZoneInfo

import dagster as dg

# dagster's own cron evaluation, so the test reads the cron exactly as the scheduler will
from dagster._utils.schedules import cron_string_iterator

from pipeline.defs.automation.schedules import every_6_hours_customer_pulse_schedule


def test_runs_four_times_a_day_at_the_top_of_every_sixth_hour_in_the_configured_timezone():
    schedule = every_6_hours_customer_pulse_schedule("Europe/Copenhagen")
    assert schedule.cron_schedule == "0 */6 * * *"
    assert schedule.execution_timezone == "Europe/Copenhagen"
    assert schedule.job_name == "customer_pulse_job"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    start = datetime(2026, 1, 1, 0, 30, tzinfo=ZoneInfo("Europe/Copenhagen")).timestamp()
    ticks = list(islice(cron_string_iterator(start, schedule.cron_schedule, schedule.execution_timezone), 5))
    assert [t.strftime("%d %H:%M %Z") for t in ticks] == [
        "01 06:00 CET",
        "01 12:00 CET",
        "01 18:00 CET",
        "02 00:00 CET",
        "02 06:00 CET",
    ]


def test_a_tick_requests_a_run_of_the_whole_pipeline():
    schedule = every_6_hours_customer_pulse_schedule("UTC")
    with dg.build_schedule_context(scheduled_execution_time=datetime(2026, 1, 1, 6)) as context:
        result = schedule.evaluate_tick(context)
    assert len(result.run_requests) == 1
