"""`python -m pipeline.raw RAW_FOLDER WAREHOUSE.duckdb`: load raw files by hand (development aid)."""

import argparse
import json
from pathlib import Path

from pipeline.raw.load import load_raw_folder
from pipeline.settings.environment import EnvReader
from pipeline.settings.sources import SourceSettings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("raw_folder", type=Path)
    parser.add_argument("duckdb_path", type=Path)
    args = parser.parse_args()
    # the PULSE_SOURCE_* settings apply here too (presets, timezone, timestamp format, pseudonym salt)
    sources = SourceSettings.from_env(EnvReader())
    print(json.dumps(load_raw_folder(args.raw_folder, args.duckdb_path, sources), indent=2))


if __name__ == "__main__":
    main()
