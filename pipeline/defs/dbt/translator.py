"""The whole dbt -> Dagster mapping: asset keys stay dbt's (raw/<table> for sources), groups by folder."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

# models/<first folder>[/<second folder>] -> Dagster group
_GROUPS = {
    ("staging",): "staging",
    ("intermediate",): "intermediate",
    ("marts", "core"): "orders",
    ("marts", "customers"): "customers",
    ("marts", "lifecycle"): "lifecycle",
    ("marts", "dashboards"): "dashboards",
    ("marts", "ml"): "features",
    ("marts", "targeting"): "segments",
}


class PulseDbtTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        super().__init__(
            # source tests (not_null on raw.orders lineage) are checks on the raw/<table> assets too
            settings=DagsterDbtTranslatorSettings(
                enable_asset_checks=True, enable_source_tests_as_checks=True
            )
        )

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        # models by their own (unique) name, as BI users know the tables; sources as raw/<table>
        if dbt_resource_props.get("resource_type") == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props.get("resource_type") == "source":
            return "raw"
        if dbt_resource_props.get("resource_type") == "seed":
            return "reference"  # the lists of values (dbt_project/seeds)
        fqn = dbt_resource_props.get("fqn", [])
        folders = tuple(fqn[1:-1])
        return _GROUPS.get(folders[:2]) or _GROUPS.get(folders[:1]) or "dbt"
