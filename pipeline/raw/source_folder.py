"""Where this run's raw files are on local disk: the folder itself, or a copy of an S3 prefix."""

from pathlib import Path

from pipeline.settings import LOCAL_STATE, PulseSettings
from pipeline.storage import open_store

RAW_CACHE = LOCAL_STATE / "raw_cache"


def local_raw_folder(settings: PulseSettings) -> Path:
    if settings.raw_path.startswith("s3://"):
        store = open_store(settings.raw_path, settings.s3_endpoint_url)
        return store.download_prefix(RAW_CACHE)
    return Path(settings.raw_path)
