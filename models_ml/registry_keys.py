"""Where the registry keeps a model's bundles, its champion pointer and its latest pointer, under the
publish location (the storage module prefixes the keys). Apart from models_ml.registry, which needs XGBoost
to read a bundle."""


def bundle_key(model: str, version: str) -> str:
    """Where a bundle lives under the publish location."""
    return f"_models/{model}/{version}.zip"


def champion_key(model: str) -> str:
    """The small JSON document naming a model's current champion version."""
    return f"_models/{model}/champion.json"


def latest_key(model: str) -> str:
    """The small JSON document naming the model's most recently trained version, champion or not."""
    return f"_models/{model}/latest.json"
