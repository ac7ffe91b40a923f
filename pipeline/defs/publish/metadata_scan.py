"""The PII scan of what a run has recorded so far: the metadata of every materialization and check
evaluation in its event log, and the metadata an asset is about to record."""

from collections.abc import Mapping

import dagster as dg

from pipeline.privacy.scan import Finding, scan_document


def metadata_values(metadata: Mapping[str, object]) -> dict[str, object]:
    """Plain values of a metadata mapping (MetadataValue wrappers unwrapped; tables as their records)."""
    plain = {}
    for key, value in metadata.items():
        raw = getattr(value, "value", value)
        plain[key] = raw if isinstance(raw, str | int | float | bool | list | dict | type(None)) else str(raw)
    return plain


def scan_metadata(location: str, metadata: Mapping[str, object]) -> list[Finding]:
    return scan_document(location, metadata_values(metadata))


def scan_run_metadata(instance: dg.DagsterInstance, run_id: str) -> list[Finding]:
    """Every materialization's and check evaluation's metadata recorded by the run so far."""
    findings = []
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is None:
            continue
        if event.is_step_materialization:
            materialization = event.step_materialization_data.materialization
            where = f"metadata of {materialization.asset_key.to_user_string()}"
            findings += scan_metadata(where, materialization.metadata)
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            where = f"metadata of check {evaluation.check_name}"
            findings += scan_metadata(where, {**evaluation.metadata, "description": evaluation.description})
    return findings
