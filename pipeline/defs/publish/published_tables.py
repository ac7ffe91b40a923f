"""The one registry of published tables: dbt models tagged `published`, plus tables Python assets write.

Publishing, the publish gate and the expectation-suite checks all read this list, so a table written by
a Python asset is checked, gated and published exactly like a dbt model.

To publish a table a Python asset writes (e.g. predictions):
  1. the asset writes `<schema>.<table>` with `pipeline.warehouse.replace_table` (`predictions` for models);
  2. its asset key is `[<schema>, <table>]`, the key PulseDbtTranslator gives a dbt source of that name,
     so declaring it under `sources:` (name and schema `<schema>`) lets SQL read it with unbroken lineage;
  3. add a `PublishedTable` to PYTHON_TABLES below (and a suite to SUITES if it should have one).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipeline.defs.dbt.manifest_models import manifest_models
from pipeline.defs.dbt.project import dbt_project

PUBLISHED_TAG = "published"


@dataclass(frozen=True)
class PublishedTable:
    name: str  # the published name: <PULSE_PUBLISH_URI>/<name>/
    relation: str  # schema.table in the warehouse, as Python reads it
    asset_key: dg.AssetKey  # the asset that builds it; its checks gate the publish

    @classmethod
    def python_table(cls, schema: str, table: str) -> "PublishedTable":
        """A table a Python asset writes, keyed as dbt would key it as a source."""
        return cls(name=table, relation=f"{schema}.{table}", asset_key=dg.AssetKey([schema, table]))


# Tables Python assets write into the warehouse and publish: the predictions (pipeline/defs/ml), and
# segments and audiences (pipeline/defs/targeting)
PYTHON_TABLES: tuple[PublishedTable, ...] = (
    *(
        PublishedTable.python_table("predictions", table)
        for table in (
            "customer_predictions",
            "customer_category_propensity",
            "model_metrics",
            "model_feature_importance",
            "prediction_outcomes",
        )
    ),
    *(
        PublishedTable.python_table("targeting", table)
        for table in ("category_segments", "segment_roi", "audiences", "audience_members")
    ),
)


def dbt_published_tables(manifest_path: Path) -> list[PublishedTable]:
    # a dbt model's asset key is its name (PulseDbtTranslator)
    return [
        PublishedTable(name=model.name, relation=model.relation, asset_key=dg.AssetKey(model.name))
        for model in manifest_models(manifest_path)
        if PUBLISHED_TAG in model.tags
    ]


def published_tables(
    manifest_path: Path | None = None, python_tables: Iterable[PublishedTable] = PYTHON_TABLES
) -> list[PublishedTable]:
    """Every published table, by name. Two tables may not share a published name."""
    tables = [*dbt_published_tables(manifest_path or dbt_project.manifest_path), *python_tables]
    names = [table.name for table in tables]
    if clash := sorted({name for name in names if names.count(name) > 1}):
        raise ValueError(f"two published tables share the name(s) {', '.join(clash)}; rename one")
    return sorted(tables, key=lambda table: table.name)
