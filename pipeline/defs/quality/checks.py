"""One `<table>_passes_expectations` check per published table that has an expectation suite: blocking
for data (WARN and non-blocking for model quality, WARNING_SUITES: a weak target is withheld instead).

Blocking: Dagster makes every asset downstream of `<table>` in the same run (here the publish step) wait
for the check, and skips it when the check fails with ERROR severity. The asset that built the table is
not held back: it has already run, and the check reads what it built. Tables come from the one registry
of published tables, so a table a Python asset writes is checked like a dbt model.
"""

import inspect
from collections.abc import Iterable

import dagster as dg

from pipeline.defs.dbt.manifest_models import manifest_models
from pipeline.defs.dbt.project import dbt_project
from pipeline.defs.publish.published_tables import PublishedTable, published_tables
from pipeline.engine import open_warehouse
from pipeline.expectations.suites import SUITES, WARNING_SUITES
from pipeline.resources import PulseSettingsResource


def _description(name: str) -> str:
    """What the suite expects (its docstring), shown on the check in the UI."""
    expects = " ".join((inspect.getdoc(SUITES[name]) or "").split())
    suite = f"Great Expectations suite `{name}` (pipeline/expectations/suites.py)"
    effect = "warns, never blocks" if name in WARNING_SUITES else "blocks publishing"
    return f"{expects} {suite}; {effect}."


def build_expectations_check(table: PublishedTable) -> dg.AssetChecksDefinition:
    warning = table.name in WARNING_SUITES

    @dg.asset_check(
        asset=table.asset_key,
        name=f"{table.name}_passes_expectations",
        blocking=not warning,
        description=_description(table.name),
    )
    def _check(pulse: PulseSettingsResource) -> dg.AssetCheckResult:
        # GX takes seconds to import: only runs that execute a check pay for it, not definition loading
        from pipeline.expectations.validate import suite_columns, suite_key, validate_frames

        with open_warehouse(pulse.load()).reading() as reader:
            columns, key = suite_columns(table.name), suite_key(table.name)
            report = validate_frames(table.name, reader.suite_frames(table.relation, columns, key))
        return dg.AssetCheckResult(
            passed=report.success,
            severity=dg.AssetCheckSeverity.WARN if warning else dg.AssetCheckSeverity.ERROR,
            description=report.summary(),
            metadata={
                "expectations_evaluated": report.evaluated,
                "expectations_failed": len(report.failures),
                "rows": report.rows,
                "failures": dg.MetadataValue.json([failure.as_dict() for failure in report.failures]),
            },
        )

    return _check


def build_expectation_checks(tables: Iterable[PublishedTable]) -> list[dg.AssetChecksDefinition]:
    return [build_expectations_check(table) for table in tables if table.name in SUITES]


def checked_tables() -> list[PublishedTable]:
    """Every published table, plus the dbt models that have a suite but are not published (the feature
    table the models learn from: a broken feature table must not reach training)."""
    published = published_tables()
    names = {table.name for table in published}
    unpublished = [
        PublishedTable(name=model.name, relation=model.relation, asset_key=dg.AssetKey(model.name))
        for model in manifest_models(dbt_project.manifest_path)
        if model.name in SUITES and model.name not in names
    ]
    return [*published, *unpublished]


defs = dg.Definitions(asset_checks=build_expectation_checks(checked_tables()))
