"""The one registry of published tables: dbt models tagged `published`, and dbt sources tagged `published`
(the tables Python assets write), both read from dbt's manifest.

Publishing, the publish gate and the expectation-suite checks all read this list, so a table written by
a Python asset is checked, gated and published exactly like a dbt model.

To publish a table a Python asset writes (e.g. predictions):
  1. the asset writes `<schema>.<table>` with `Warehouse.replace_table` (pipeline/engine; `predictions`
     for models);
  2. its asset key is `[<schema>, <table>]`, the key PulseDbtTranslator gives a dbt source of that name;
  3. declare it once under `sources:` (dbt_project/models/staging/_predictions__sources.yml): its
     description, its columns, the `published` tag and meta `computed_in` / `written_by` (and a suite in
     SUITES if it should have one). dbt docs shows it, SQL reads it with unbroken lineage, and
     tests/unit/test_published_declaration.py checks the suites and docs/published-tables.md against it.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from pipeline.defs.dbt.manifest_models import manifest_models, manifest_sources
from pipeline.defs.dbt.project import dbt_project

PUBLISHED_TAG = "published"


@dataclass(frozen=True)
class PublishedTable:
    name: str  # the published name: <PULSE_PUBLISH_URI>/<name>/
    relation: str  # schema.table in the warehouse, as Python reads it
    asset_key: dg.AssetKey  # the asset that builds it; its checks gate the publish
    description: str = field(default="", compare=False)  # as declared in dbt; a Python table's asset shows it
    # its key columns (meta `merge_key` in dbt): a large table that changed in few rows is merged on them
    merge_key: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def python_table(
        cls, schema: str, table: str, description: str = "", merge_key: tuple[str, ...] = ()
    ) -> "PublishedTable":
        """A table a Python asset writes, keyed as dbt keys it as a source."""
        return cls(table, f"{schema}.{table}", dg.AssetKey([schema, table]), description, merge_key)


def merge_key(meta: Mapping[str, object]) -> tuple[str, ...]:
    """meta `merge_key`: one column name or a list of them."""
    declared = meta.get("merge_key") or ()
    return (declared,) if isinstance(declared, str) else tuple(str(column) for column in declared)


def python_published_tables(manifest_path: Path) -> tuple[PublishedTable, ...]:
    """Tables Python assets write and publish (predictions from pipeline/defs/ml, segments and audiences
    from pipeline/defs/targeting): the dbt sources tagged `published`, in the order they are declared."""
    return tuple(
        PublishedTable.python_table(
            source.source_name, source.name, source.description, merge_key(source.meta)
        )
        for source in manifest_sources(manifest_path)
        if PUBLISHED_TAG in source.tags
    )


PYTHON_TABLES: tuple[PublishedTable, ...] = python_published_tables(dbt_project.manifest_path)


def dbt_published_tables(manifest_path: Path) -> list[PublishedTable]:
    # a dbt model's asset key is its name (PulseDbtTranslator)
    return [
        PublishedTable(
            model.name, model.relation, dg.AssetKey(model.name), model.description, merge_key(model.meta)
        )
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
