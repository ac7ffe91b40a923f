"""The dbt models listed in the manifest, parsed once per manifest version and shared by every reader."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class ManifestModel:
    name: str
    relation: str  # schema.alias, as Python reads it from the warehouse
    materialized: str
    tags: tuple[str, ...]


@cache
def _models(manifest_path: Path, modified: float) -> tuple[ManifestModel, ...]:
    manifest = json.loads(manifest_path.read_text())
    return tuple(
        ManifestModel(
            name=node["name"],
            relation=f"{node['schema']}.{node.get('alias') or node['name']}",
            materialized=node["config"].get("materialized", ""),
            tags=tuple(node["config"].get("tags", [])),
        )
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    )


def manifest_models(manifest_path: Path) -> tuple[ManifestModel, ...]:
    path = Path(manifest_path)
    # keyed on the file's mtime: a re-parse is read again, an unchanged manifest is not
    return _models(path, path.stat().st_mtime)
