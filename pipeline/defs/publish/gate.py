"""No published table skips its checks: before writing, a publish asset asks the instance whether every
check on its source table (dbt tests and expectation suites) passed since the table was last built.

In `customer_pulse_job` Dagster already orders and blocks this (dbt tests fail the dbt step; suites are
blocking checks). The gate also covers runs that select only publish assets.
"""

import dagster as dg
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus


def unpassed_checks(
    instance: dg.DagsterInstance, check_keys: set[dg.AssetCheckKey], table: dg.AssetKey
) -> list[str]:
    """Names of checks on `table` that failed (ERROR severity), never ran, or ran before its latest build."""
    built = instance.get_latest_materialization_event(table)
    if built is None:
        return [f"{table.to_user_string()} was never materialised"]
    records = instance.event_log_storage.get_latest_asset_check_execution_by_key(sorted(check_keys, key=str))
    problems = []
    for key in sorted(check_keys, key=lambda k: k.name):
        record = records.get(key)
        # a record is created when the check is planned; its event is the evaluation, if any
        evaluated_at = record.event.timestamp if record is not None and record.event is not None else None
        if evaluated_at is None or evaluated_at < built.timestamp:
            problems.append(f"{key.name} (not run since the last build)")
        elif record.status != AssetCheckExecutionRecordStatus.SUCCEEDED:
            evaluation = record.event.asset_check_evaluation if record.event else None
            if evaluation is None or evaluation.passed or evaluation.severity != dg.AssetCheckSeverity.WARN:
                problems.append(f"{key.name} ({record.status.value.lower()})")
    return problems
