"""What a finished run comes to, read back from its event log in the instance: why it failed and what to
do, or where every raw order row went."""

from collections.abc import Mapping
from dataclasses import dataclass

import dagster as dg
from dagster._utils.error import SerializableErrorInfo

from pipeline.defs.dbt.reconciliation import RECONCILED_TABLE, reconciliation_line
from pipeline.run_cli.stages import DBT, PUBLISH

_WANTED = {
    dg.DagsterEventType.STEP_FAILURE,
    dg.DagsterEventType.RUN_FAILURE,
    dg.DagsterEventType.ASSET_CHECK_EVALUATION,
    dg.DagsterEventType.ASSET_MATERIALIZATION,
}
# errors whose message says it all; any other error keeps its class name, which helps to find it
_PLAIN_ERRORS = {"RawDataError", "SettingsError", "Failure", "WarehouseInUse"}
_HINTS = {DBT: "A dbt model or test failed: the UI shows its log and, for a test, the failing rows."}


@dataclass(frozen=True)
class RunEvents:
    """The events of one run that the report needs, from the instance."""

    failures: list[dg.DagsterEvent]
    failed_checks: list[dg.AssetCheckEvaluation]
    materialized: dict[str, dg.AssetMaterialization]  # asset key (user string) -> last materialization
    published_steps: set[str]


def read_run_events(instance: dg.DagsterInstance, run_id: str, stage_by_step: Mapping[str, str]) -> RunEvents:
    failures, failed_checks, materialized, published_steps = [], [], {}, set()
    for entry in instance.all_logs(run_id, of_type=_WANTED):
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type in (dg.DagsterEventType.STEP_FAILURE, dg.DagsterEventType.RUN_FAILURE):
            failures.append(event)
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            if not event.asset_check_evaluation_data.passed:
                failed_checks.append(event.asset_check_evaluation_data)
        else:
            materialization = event.step_materialization_data.materialization
            materialized[materialization.asset_key.to_user_string()] = materialization
            if stage_by_step.get(event.step_key or "") == PUBLISH:
                published_steps.add(event.step_key)
    return RunEvents(failures, failed_checks, materialized, published_steps)


def _root_error(error: SerializableErrorInfo | None) -> str:
    """The innermost cause: the user's exception, not Dagster's wrapper around it."""
    if error is None:
        return "no error message was recorded"
    while error.cause is not None:
        error = error.cause
    message = error.message.strip()
    prefix = f"{error.cls_name}: "
    if error.cls_name in _PLAIN_ERRORS and message.startswith(prefix):
        message = message[len(prefix) :]
    return message


def _failure_reason(event: dg.DagsterEvent, failed_checks: list[dg.AssetCheckEvaluation]) -> list[str]:
    if event.is_step_failure:
        data = event.step_failure_data
        if data.user_failure_data is not None and data.user_failure_data.description:
            return data.user_failure_data.description.strip().splitlines()
        if data.error is not None and data.error.cls_name == "DagsterAssetCheckFailedError" and failed_checks:
            return []  # the failed checks below say why, in their own words
        return _root_error(data.error).splitlines()
    return _root_error(event.job_failure_data.error if event.job_failure_data else None).splitlines()


def failure_lines(
    events: RunEvents, stage_by_step: Mapping[str, str], run_id: str, log_path: str
) -> list[str]:
    lines: list[str] = []
    step_failures = [event for event in events.failures if event.is_step_failure]
    stages = []
    for event in step_failures or events.failures[:1]:
        stage = stage_by_step.get(event.step_key or "", "the run")
        stages.append(stage)
        where = f"{stage} (step {event.step_key})" if event.step_key else "the run"
        lines.append(f"Failed: {where}")
        lines += [f"  {line}" for line in _failure_reason(event, events.failed_checks)]
    # one verdict recorded on several tables (order_volume_holds) is told once
    by_verdict: dict[tuple[str, str], list[str]] = {}
    for evaluation in events.failed_checks:
        verdict = (evaluation.check_name, evaluation.description or "see its metadata in the UI")
        by_verdict.setdefault(verdict, []).append(evaluation.asset_key.to_user_string())
    for (check_name, description), tables in by_verdict.items():
        others = f" (and {len(tables) - 1} more tables)" if len(tables) > 1 else ""
        lines.append(f"Check {check_name} on {tables[0]}{others} failed:")
        lines += [f"  {line}" for line in description.strip().splitlines()]
    if events.published_steps:
        lines.append(
            f"{len(events.published_steps)} publish steps ran; the tables behind the failure were not "
            "published, and their last published versions stay."
        )
    else:
        lines.append("Nothing was published: the published tables are as they were before this run.")
    lines += [_HINTS[stage] for stage in dict.fromkeys(stages) if stage in _HINTS]
    lines.append(f"Details: python3 tasks.py ui → Runs → {run_id}   (console log: {log_path})")
    return lines


def reconciliation(events: RunEvents) -> str | None:
    materialization = events.materialized.get(RECONCILED_TABLE)
    return None if materialization is None else reconciliation_line(materialization.metadata)
