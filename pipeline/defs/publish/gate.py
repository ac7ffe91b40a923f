"""No published table skips its checks: before writing, publishing asks the instance whether every check
on the source table (dbt tests and expectation suites) passed since the table was last built.

In `customer_pulse_job` Dagster already orders and blocks this (dbt tests fail the dbt step; suites are
blocking checks). The gate also covers runs that select only publish assets, and its verdict is recorded
as the `<table>_checks_passed` check on each published asset.
"""

import dagster as dg
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

PASSED = "passed"
WARNED = "warned"  # failed with WARN severity: reported, never blocking
NOT_RUN = "not run since the last build"


def check_statuses(
    instance: dg.DagsterInstance, check_keys: set[dg.AssetCheckKey], table: dg.AssetKey
) -> dict[str, str]:
    """Each check on `table` by name: passed, warned, not run since the last build, or its failed status."""
    built = instance.get_latest_materialization_event(table)
    records = instance.event_log_storage.get_latest_asset_check_execution_by_key(sorted(check_keys, key=str))
    statuses = {}
    for key in sorted(check_keys, key=lambda k: k.name):
        record = records.get(key)
        # a record is created when the check is planned; its event is the evaluation, if any
        evaluated_at = record.event.timestamp if record is not None and record.event is not None else None
        if built is None or evaluated_at is None or evaluated_at < built.timestamp:
            statuses[key.name] = NOT_RUN
        elif record.status == AssetCheckExecutionRecordStatus.SUCCEEDED:
            statuses[key.name] = PASSED
        else:
            evaluation = record.event.asset_check_evaluation if record.event else None
            warned = (
                evaluation is not None
                and not evaluation.passed
                and evaluation.severity == dg.AssetCheckSeverity.WARN
            )
            statuses[key.name] = WARNED if warned else record.status.value.lower()
    return statuses


def unpassed_checks(
    instance: dg.DagsterInstance, check_keys: set[dg.AssetCheckKey], table: dg.AssetKey
) -> list[str]:
    """Names of checks on `table` that failed (ERROR severity), never ran, or ran before its latest build."""
    if instance.get_latest_materialization_event(table) is None:
        return [f"{table.to_user_string()} was never materialised"]
    statuses = check_statuses(instance, check_keys, table)
    return [f"{name} ({status})" for name, status in statuses.items() if status not in (PASSED, WARNED)]
