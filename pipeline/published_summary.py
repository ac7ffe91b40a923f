"""`python -m pipeline.published_summary`: what the last run published and where (read from the manifest)."""

from pipeline.settings import PulseSettings
from pipeline.storage import read_manifest


def published_lines(settings: PulseSettings) -> list[str]:
    manifest = read_manifest(settings)
    if manifest is None:
        return [f"Nothing is published at {settings.publish_uri} yet."]
    lines = [f"Published to {settings.publish_uri}  (as_of {manifest['as_of']}, run {manifest['run_id']})"]
    for name, table in sorted(manifest["tables"].items()):
        lines.append(f"  {name:<28} {table['rows']:>10,} rows  {table['uri']}/")
    if settings.engine == "spark":
        lines.append(
            f"Warehouse (Spark): {settings.spark_warehouse}  (raw files staged in {settings.duckdb_path})"
        )
    else:
        lines.append(f"Warehouse (DuckDB): {settings.duckdb_path}")
    return lines


def main() -> None:
    print("\n".join(published_lines(PulseSettings.from_env())))


if __name__ == "__main__":
    main()
