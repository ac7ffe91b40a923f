"""Whole files beside the published tables (the model registry `_models/…`, audience upload files
`audience_exports/<audience>.csv`): written atomically, read and listed under PULSE_PUBLISH_URI."""

from pipeline.settings import PulseSettings
from pipeline.storage.locations import publish_store


def write_bytes(key: str, data: bytes, settings: PulseSettings | None = None) -> str:
    """Write `data` to `<PULSE_PUBLISH_URI>/<key>` in one step (readers see the old file or the new one);
    returns its URI."""
    return publish_store(settings).write_bytes(key, data)


def read_bytes(key: str, settings: PulseSettings | None = None) -> bytes:
    """The file at `<PULSE_PUBLISH_URI>/<key>`; FileNotFoundError when there is none."""
    return publish_store(settings).read_bytes(key)


def list_keys(prefix: str = "", settings: PulseSettings | None = None) -> list[str]:
    """Keys under PULSE_PUBLISH_URI that start with `prefix`, e.g. list_keys("audience_exports/")."""
    return [stored.key for stored in publish_store(settings).list_files(prefix)]


def delete_files(keys: list[str], settings: PulseSettings | None = None) -> None:
    """Remove whole files under PULSE_PUBLISH_URI (e.g. the upload file of an audience that is gone)."""
    if keys:
        publish_store(settings).delete(keys)
