"""The model registry in the publish location (a folder or S3, through the storage module; never git):
every trained bundle under a versioned key, and a small pointer to each model's champion."""

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from models_ml import bundle_key, champion_key, latest_key
from pipeline.privacy.scan import preflight_file
from pipeline.settings import PulseSettings
from pipeline.storage import delete_files, list_keys, read_bytes, write_bytes

if TYPE_CHECKING:
    from models_ml import ModelBundle


def load_incumbents(
    settings: PulseSettings, models: Iterable[str], n_threads: int
) -> tuple[dict[str, "ModelBundle"], dict[str, datetime]]:
    """Each model's incumbent XGBoost: its champion or, where none ever scored (BG/NBD or the rule won every
    run), its latest trained bundle; and when each model was last trained, from its latest pointer. Training
    again waits for the cadence either way, instead of fitting every run a model that keeps losing."""
    from models_ml import ModelBundle  # XGBoost: imported by the step that loads models, not at load

    incumbents, last_trained = {}, {}
    for model in models:
        latest = _pointer(latest_key(model), settings)
        if latest is not None:
            last_trained[model] = datetime.fromisoformat(latest["trained_at"])
        for pointer in (_pointer(champion_key(model), settings), latest):
            try:
                data = read_bytes(bundle_key(model, pointer["version"]), settings) if pointer else None
            except FileNotFoundError:  # its bundle was removed by hand
                data = None
            if data is not None:
                incumbents[model] = ModelBundle.from_bytes(data, n_threads=n_threads)
                break
    return incumbents, last_trained


def _pointer(key: str, settings: PulseSettings) -> dict | None:
    try:
        return json.loads(read_bytes(key, settings))
    except FileNotFoundError:  # no champion yet, or nothing trained yet
        return None


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
        bundle = bundles[key]
        uris[bundle.model] = write_bytes(key, data, settings)
        write_bytes(latest_key(bundle.model), _pointer_bytes(bundle), settings)
    for model, bundle in champions.items():
        write_bytes(champion_key(model), _pointer_bytes(bundle), settings)
    return uris


def _pointer_bytes(bundle: "ModelBundle") -> bytes:
    pointer = {"model": bundle.model, "version": bundle.version, "trained_at": bundle.trained_at.isoformat()}
    return json.dumps(pointer, indent=2).encode()


def _trained_at(key: str) -> datetime | None:
    """A bundle's training time from its key: _models/<model>/<model>-<YYYYMMDDTHHMMSSZ>-<hash>.zip."""
    for part in key.rsplit("/", 1)[-1].removesuffix(".zip").split("-"):
        try:
            return datetime.strptime(part, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def prune_registry(settings: PulseSettings, models: Iterable[str], now: datetime | None = None) -> list[str]:
    """Remove bundles trained longer ago than PULSE_PUBLISH_RETENTION_DAYS, except each model's champion and
    latest: challengers that lost, and champions long replaced, would otherwise pile up on every retrain."""
    oldest = (now or datetime.now(UTC)) - timedelta(days=settings.publish_retention_days)
    removed = []
    for model in models:
        pointers = (_pointer(champion_key(model), settings), _pointer(latest_key(model), settings))
        kept = {bundle_key(model, pointer["version"]) for pointer in pointers if pointer}
        for key in list_keys(f"_models/{model}/", settings):
            trained = _trained_at(key)
            if key.endswith(".zip") and trained is not None and trained < oldest and key not in kept:
                removed.append(key)
    delete_files(removed, settings)
    return removed
