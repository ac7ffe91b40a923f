"""One blocking `<table>_passes_expectations` check per published table that has an expectation suite.

Blocking: Dagster makes every asset downstream of `<table>` in the same run (here `published/<table>`)
wait for the check, and skips it when the check fails with ERROR severity. The dbt multi-asset is not
held back: it has already run, and the check reads what it built.
"""

import dagster as dg

from pipeline.defs.dbt.manifest_models import ManifestModel
from pipeline.defs.dbt.project import dbt_project
from pipeline.defs.publish.published_models import published_models
from pipeline.expectations.suites import SUITES
from pipeline.resources import PulseSettingsResource
from pipeline.warehouse import read_only


def build_expectations_check(model: ManifestModel) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(model.name),
        name=f"{model.name}_passes_expectations",
        blocking=True,
        description=f"{model.name} meets its Great Expectations suite (pipeline/expectations/suites.py).",
    )
    def _check(pulse: PulseSettingsResource) -> dg.AssetCheckResult:
        # GX takes seconds to import: only runs that execute a check pay for it, not definition loading
        from pipeline.expectations.validate import suite_columns, validate_table

        columns = ", ".join(f'"{column}"' for column in suite_columns(model.name))
        with read_only(pulse.load().duckdb_path) as con:
            frame = con.sql(f"select {columns} from {model.relation}").df()
        report = validate_table(model.name, frame)
        return dg.AssetCheckResult(
            passed=report.success,
            severity=dg.AssetCheckSeverity.ERROR,
            description=report.summary(),
            metadata={
                "expectations_evaluated": report.evaluated,
                "expectations_failed": len(report.failures),
                "rows": report.rows,
                "failures": dg.MetadataValue.json([failure.as_dict() for failure in report.failures]),
            },
        )

    return _check


_models = [model for model in published_models(dbt_project.manifest_path) if model.name in SUITES]

defs = dg.Definitions(asset_checks=[build_expectations_check(model) for model in _models])
