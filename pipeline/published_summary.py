"""`python -m pipeline.published_summary`: what the last run published and where (read from the manifest)."""

import json
from pathlib import Path

from pipeline.settings import PulseSettings
from pipeline.storage import MANIFEST_NAME


def main() -> None:
    settings = PulseSettings.from_env()
    if settings.publish_uri.startswith("s3://"):
        print(f"Published tables are in {settings.publish_uri}/ (manifest: {MANIFEST_NAME}).")
        return
    manifest_path = Path(settings.publish_uri) / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text())
    print(f"\nPublished to {settings.publish_uri}  (as_of {manifest['as_of']}, run {manifest['run_id']})")
    for name, table in sorted(manifest["tables"].items()):
        print(f"  {name:<28} {table['rows']:>10,} rows  {table['uri']}/")
    print(f"Warehouse (DuckDB): {settings.duckdb_path}")


if __name__ == "__main__":
    main()
