"""The model registry in the publish location (a folder or S3, through the storage module; never git):
every trained bundle under a versioned key, and a small pointer to each model's champion."""

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from models_ml import bundle_key, champion_key
from pipeline.privacy.scan import preflight_file
from pipeline.settings import PulseSettings
from pipeline.storage import delete_files, list_keys, read_bytes, write_bytes

if TYPE_CHECKING:
    from models_ml import ModelBundle


def load_champions(
    settings: PulseSettings, models: Iterable[str], n_threads: int
) -> dict[str, "ModelBundle"]:
    """The current champion of each model that has one."""
    from models_ml import ModelBundle  # XGBoost: imported by the step that loads models, not at load

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
    settings: PulseSettings,
    trained: Iterable["ModelBundle"],
    champions: Mapping[str, "ModelBundle"],
) -> dict[str, str]:
    """Every bundle trained this run (kept for inspection, whatever its quality), then the champion pointers
    of the targets an XGBoost model scored: a target withheld or scored by a baseline keeps its champion,
    so a model trained on broken labels (withheld: nothing reaches the floor) never becomes one.
    Returns model -> bundle URI."""
    uris = {}
    bundles = {bundle_key(bundle.model, bundle.version): bundle for bundle in trained}
    files = {key: bundle.to_bytes() for key, bundle in bundles.items()}
    for key, data in files.items():  # PII pre-flight of each bundle's metadata (bundle.json)
        preflight_file(key, data)
    for key, data in files.items():
        uris[bundles[key].model] = write_bytes(key, data, settings)
    for model, bundle in champions.items():
        pointer = {"model": model, "version": bundle.version, "trained_at": str(bundle.trained_at)}
        write_bytes(champion_key(model), json.dumps(pointer, indent=2).encode(), settings)
    return uris


def _trained_at(key: str) -> datetime | None:
    """A bundle's training time from its key: _models/<model>/<model>-<YYYYMMDDTHHMMSSZ>-<hash>.zip."""
    for part in key.rsplit("/", 1)[-1].removesuffix(".zip").split("-"):
        try:
            return datetime.strptime(part, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def prune_registry(settings: PulseSettings, models: Iterable[str], now: datetime | None = None) -> list[str]:
    """Remove bundles trained longer ago than PULSE_PUBLISH_RETENTION_DAYS, except each model's champion:
    challengers that lost, and champions long replaced, would otherwise pile up on every retrain."""
    oldest = (now or datetime.now(UTC)) - timedelta(days=settings.publish_retention_days)
    removed = []
    for model in models:
        try:
            champion = json.loads(read_bytes(champion_key(model), settings))["version"]
        except FileNotFoundError:
            champion = None
        for key in list_keys(f"_models/{model}/", settings):
            trained = _trained_at(key)
            if key.endswith(".zip") and trained is not None and trained < oldest and champion not in key:
                removed.append(key)
    delete_files(removed, settings)
    return removed
