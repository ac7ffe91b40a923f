"""The dbt models and sources listed in the manifest, parsed once per manifest version and shared by every
reader."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class ManifestModel:
    name: str
    relation: str  # schema.alias, as Python reads it from the warehouse
    materialized: str
    tags: tuple[str, ...]
    description: str = ""
    columns: Mapping[str, str] = field(default_factory=dict, compare=False)  # name -> description, its .yml
    meta: Mapping[str, object] = field(default_factory=dict, compare=False)  # config meta (merge_key)


@dataclass(frozen=True)
class ManifestSource:
    """A table Python assets write, declared as a dbt source (dbt_project/models/staging/_*__sources.yml)."""

    source_name: str
    name: str
    relation: str  # schema.table in the warehouse
    tags: tuple[str, ...]
    description: str
    columns: Mapping[str, str] = field(compare=False)  # name -> description, as declared
    meta: Mapping[str, str] = field(compare=False)  # computed_in, written_by


Nodes = tuple[tuple[ManifestModel, ...], tuple[ManifestSource, ...]]


@cache
def _manifest(manifest_path: Path, modified: float) -> Nodes:
    manifest = json.loads(manifest_path.read_text())
    models = tuple(
        ManifestModel(
            name=node["name"],
            relation=f"{node['schema']}.{node.get('alias') or node['name']}",
            materialized=node["config"].get("materialized", ""),
            tags=tuple(node["config"].get("tags", [])),
            description=node.get("description", ""),
            columns=_columns(node),
            meta=node["config"].get("meta", {}) or node.get("meta", {}),
        )
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    )
    sources = tuple(
        ManifestSource(
            source_name=node["source_name"],
            name=node["name"],
            relation=f"{node['schema']}.{node.get('identifier') or node['name']}",
            tags=tuple(node.get("config", {}).get("tags", []) or node.get("tags", [])),
            description=node.get("description", ""),
            columns=_columns(node),
            meta=node.get("config", {}).get("meta", {}) or node.get("meta", {}),
        )
        for node in manifest.get("sources", {}).values()
    )
    return models, sources


def _columns(node: dict) -> dict[str, str]:
    return {name: column.get("description", "") for name, column in node.get("columns", {}).items()}


def _read(manifest_path: Path) -> Nodes:
    path = Path(manifest_path)
    # keyed on the file's mtime: a re-parse is read again, an unchanged manifest is not
    return _manifest(path, path.stat().st_mtime)


def manifest_models(manifest_path: Path) -> tuple[ManifestModel, ...]:
    return _read(manifest_path)[0]


def manifest_sources(manifest_path: Path) -> tuple[ManifestSource, ...]:
    return _read(manifest_path)[1]
