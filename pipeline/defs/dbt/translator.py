"""The whole dbt -> Dagster mapping: asset keys stay dbt's (raw/<table> for sources), groups by subject."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

# models/<layer>/<folder> -> Dagster group, by what a model is about (not its layer), so the groups read
# left to right: raw -> staging -> orders -> customers -> features -> models -> predictions -> segments
# -> publish (tests/unit/test_definitions.py keeps the group graph free of cycles)
_GROUPS = {
    ("intermediate", "orders"): "orders",
    ("intermediate", "customers"): "customers",
    # messages, attribution and purchase months per customer: the dashboards and the features read them
    ("intermediate", "dashboards"): "customers",
    ("intermediate", "ml"): "features",
    ("intermediate", "targeting"): "segments",
    ("marts", "core"): "orders",
    ("marts", "customers"): "customers",
    ("marts", "lifecycle"): "lifecycle",
    ("marts", "dashboards"): "dashboards",
    ("marts", "ml"): "features",
    ("marts", "targeting"): "segments",
}
# A staging model sits beside what it stages: the shop's raw files in `staging`, a table a Python step
# wrote in that step's group (a staging model of predictions among the predictions).
_STAGED_SOURCE_GROUPS = {"raw": "staging", "predictions": "predictions", "targeting": "segments"}


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
        folders = tuple(dbt_resource_props.get("fqn", [])[1:-1])
        if folders[:1] == ("staging",):
            parents = dbt_resource_props.get("depends_on", {}).get("nodes", [])
            sources = [parent.split(".")[2] for parent in parents if parent.startswith("source.")]
            return _STAGED_SOURCE_GROUPS.get(sources[0], "staging") if sources else "staging"
        return _GROUPS.get(folders[:2], "dbt")
