"""Which dbt models are published: the ones tagged `published` in their .yml."""

import json
from dataclasses import dataclass
from pathlib import Path

PUBLISHED_TAG = "published"


@dataclass(frozen=True)
class PublishedModel:
    name: str
    relation: str


def published_models(manifest_path: Path) -> list[PublishedModel]:
    manifest = json.loads(Path(manifest_path).read_text())
    models = [
        PublishedModel(node["name"], f"{node['schema']}.{node.get('alias') or node['name']}")
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and PUBLISHED_TAG in node["config"].get("tags", [])
    ]
    return sorted(models, key=lambda model: model.name)
