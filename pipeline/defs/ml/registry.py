"""The model registry in the publish location (a folder or S3, through the storage module; never git):
every trained bundle under a versioned key, and a small pointer to each model's champion."""

import json
from collections.abc import Iterable, Mapping

from models_ml import ModelBundle, bundle_key, champion_key
from pipeline.settings import PulseSettings
from pipeline.storage import read_bytes, write_bytes


def load_champions(settings: PulseSettings, models: Iterable[str], n_threads: int) -> dict[str, ModelBundle]:
    """The current champion of each model that has one."""
    champions = {}
    for model in models:
        try:
            version = json.loads(read_bytes(champion_key(model), settings))["version"]
            data = read_bytes(bundle_key(model, version), settings)
        except FileNotFoundError:  # no champion yet, or its bundle was removed by hand
            continue
        champions[model] = ModelBundle.from_bytes(data, n_threads=n_threads)
    return champions


def save_models(
    settings: PulseSettings, trained: Iterable[ModelBundle], champions: Mapping[str, ModelBundle]
) -> dict[str, str]:
    """Every bundle trained this run, then each model's champion pointer. Returns model -> bundle URI."""
    uris = {}
    for bundle in trained:
        key = bundle_key(bundle.model, bundle.version)
        uris[bundle.model] = write_bytes(key, bundle.to_bytes(), settings)
    for model, bundle in champions.items():
        pointer = {"model": model, "version": bundle.version, "trained_at": str(bundle.trained_at)}
        write_bytes(champion_key(model), json.dumps(pointer, indent=2).encode(), settings)
    return uris
