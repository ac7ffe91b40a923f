"""`order_volume_holds`: a blocking check that fct_orders did not collapse since the last publish.

Blocking: every step downstream of fct_orders outside the dbt step (the predictions, segments and the
one publish step, which publishes every table together) waits for it and is skipped when it fails, so a
broken export replaces nothing. It sits on fct_orders alone: recorded on the other published tables too,
it would make the check depend on tables that themselves wait for it.
"""

from collections.abc import Iterator

import dagster as dg

from pipeline.defs.dbt.manifest_models import manifest_models
from pipeline.defs.dbt.project import dbt_project
from pipeline.engine import open_warehouse
from pipeline.expectations.order_volume import TABLE, assess_order_volume
from pipeline.resources import PulseSettingsResource
from pipeline.storage import read_manifest

CHECK_NAME = "order_volume_holds"
FCT_ORDERS = dg.AssetKey(TABLE)
DESCRIPTION = (
    "fct_orders has clean orders, and no fewer than PULSE_MAX_ORDER_DROP (default 50 %) below the last "
    "published run (its _manifest.json). Blocking: when it fails nothing of the run is published; "
    "PULSE_ALLOW_ORDER_DROP=true lets a deliberate reset through."
)


def _current_rows(settings) -> int:
    [relation] = [
        model.relation for model in manifest_models(dbt_project.manifest_path) if model.name == TABLE
    ]
    with open_warehouse(settings).reading() as reader:
        return reader.count(relation)


def build_order_volume_check(tables: list[dg.AssetKey]) -> dg.AssetChecksDefinition:
    """`tables`: fct_orders and every table whose publish must wait for the verdict."""
    specs = [
        dg.AssetCheckSpec(CHECK_NAME, asset=key, blocking=True, description=DESCRIPTION) for key in tables
    ]

    # subsettable: the check can be run from any one table's page in the UI
    @dg.multi_asset_check(specs=specs, name=CHECK_NAME, can_subset=True)
    def order_volume_holds(
        context: dg.AssetCheckExecutionContext, pulse: PulseSettingsResource
    ) -> Iterator[dg.AssetCheckResult]:
        settings = pulse.load()
        last_manifest = read_manifest(settings)
        verdict = assess_order_volume(
            _current_rows(settings),
            last_manifest,
            settings.max_order_drop,
            settings.allow_order_drop,
        )
        metadata = {key: value for key, value in verdict.metadata.items() if value is not None}
        # fct_orders first: a report that names one table names the one the verdict is about
        selected = sorted(
            context.selected_asset_check_keys, key=lambda k: (k.asset_key != FCT_ORDERS, str(k))
        )
        for check_key in selected:
            yield dg.AssetCheckResult(
                asset_key=check_key.asset_key,
                check_name=CHECK_NAME,
                passed=verdict.passed,
                severity=dg.AssetCheckSeverity.ERROR,
                description=verdict.description,
                metadata=metadata,
            )

    return order_volume_holds


order_volume_check = build_order_volume_check([FCT_ORDERS])

defs = dg.Definitions(asset_checks=[order_volume_check])
