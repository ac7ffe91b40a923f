"""`python -m pipeline.raw RAW_FOLDER WAREHOUSE.duckdb`: load raw files by hand (development aid)."""

import argparse
import json
from pathlib import Path

from pipeline.raw.load import load_raw_folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("raw_folder", type=Path)
    parser.add_argument("duckdb_path", type=Path)
    args = parser.parse_args()
    print(json.dumps(load_raw_folder(args.raw_folder, args.duckdb_path), indent=2))


if __name__ == "__main__":
    main()
