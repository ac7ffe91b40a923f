"""Where this run's raw files are on local disk: the demo shop, a folder, or a copy of an S3 prefix."""

import json
from pathlib import Path

from pipeline.settings import LOCAL_STATE, PulseSettings
from pipeline.storage import open_store

RAW_CACHE = LOCAL_STATE / "raw_cache"
DEMO_MARKER = "_demo.json"


def ensure_demo_data(folder: Path, customers: int, seed: int) -> bool:
    """Generate the built-in demo shop unless the same one is already there. True when generated."""
    from pipeline.demo.generate import generate_demo_shop

    wanted = {"customers": customers, "seed": seed}
    marker = folder / DEMO_MARKER
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return False
    generate_demo_shop(folder, customers=customers, seed=seed)
    marker.write_text(json.dumps(wanted))
    return True


def local_raw_folder(settings: PulseSettings) -> Path:
    if settings.raw_path.startswith("s3://"):
        store = open_store(settings.raw_path, settings.s3_endpoint_url)
        return store.download_prefix(RAW_CACHE)
    folder = Path(settings.raw_path)
    if settings.uses_demo_data:
        ensure_demo_data(folder, settings.demo_customers, settings.demo_seed)
    return folder
