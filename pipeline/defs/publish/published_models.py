"""Which dbt models are published: the ones tagged `published` in their .yml."""

from pathlib import Path

from pipeline.defs.dbt.manifest_models import ManifestModel, manifest_models

PUBLISHED_TAG = "published"


def published_models(manifest_path: Path) -> list[ManifestModel]:
    models = [model for model in manifest_models(manifest_path) if PUBLISHED_TAG in model.tags]
    return sorted(models, key=lambda model: model.name)
