"""Row counts for materialised dbt tables, attached to their materialization events."""

from collections.abc import Iterable, Iterator
from pathlib import Path

import dagster as dg

from pipeline.defs.dbt.manifest_models import manifest_models
from pipeline.engine import Warehouse


def table_relations(manifest_path: Path) -> dict[str, str]:
    """dbt model name -> `schema.alias` for every model the warehouse holds (tables and the mart views)."""
    return {
        model.name: model.relation
        for model in manifest_models(manifest_path)
        if model.materialized != "ephemeral" and not model.relation.startswith("staging.")
    }


def with_row_counts(events: Iterable, warehouse: Warehouse, relations: dict[str, str]) -> Iterator:
    """Counted after dbt has exited, because DuckDB lets only one process open the file to write."""
    events = list(events)
    with warehouse.reading() as reader:
        existing = reader.relations()
        counts = {relation: reader.count(relation) for relation in relations.values() if relation in existing}
    for event in events:
        if isinstance(event, dg.Output | dg.AssetMaterialization):
            name = event.output_name if isinstance(event, dg.Output) else event.asset_key.path[-1]
            relation = relations.get(name)
            if relation in counts:
                event = event.with_metadata({**event.metadata, "dagster/row_count": counts[relation]})
        yield event
