"""`raw/<entity>` assets: the shop's files loaded as text, checked against the data contract."""

from pathlib import Path

import dagster as dg

from pipeline.raw.contract import ENTITIES
from pipeline.raw.errors import RawDataError
from pipeline.raw.load import load_raw_folder
from pipeline.raw.source_folder import local_raw_folder
from pipeline.resources import PulseSettingsResource
from pipeline.run_cli.stages import CONSOLE_NOTES
from pipeline.sources.database.load import load_raw_database

RAW_SPECS = [
    dg.AssetSpec(
        key=dg.AssetKey(["raw", entity.name]),
        group_name="raw",
        description=f"raw.{entity.name}: the shop's {entity.name} file(s) as text, with file and row lineage"
        + ("" if entity.required else " (optional: empty when the file is absent)"),
        kinds={"duckdb"},
    )
    for entity in ENTITIES
]


@dg.multi_asset(specs=RAW_SPECS, name="raw_files")
def raw_files(context: dg.AssetExecutionContext, pulse: PulseSettingsResource):
    settings = pulse.load()
    if settings.demo and not Path(settings.raw_path).is_dir():
        # the demo shop is a source prepared before the run (demo_shop/prepare.py), never by the pipeline
        raise dg.Failure(
            description=f"The demo shop is not in {settings.raw_path} yet: `python3 tasks.py run` or "
            "`python3 tasks.py ui` writes it first (or `python -m demo_shop.prepare`). "
            "For your own shop's files, set PULSE_RAW_PATH.",
            allow_retries=False,
        )
    database = settings.source_database
    context.log.info(f"Loading raw data from {settings.raw_path} into {settings.duckdb_path}")
    try:
        if database is None:
            summary = load_raw_folder(
                local_raw_folder(settings),
                settings.duckdb_path,
                settings.sources,
                reload=settings.full_refresh,
            )
        else:
            summary = load_raw_database(database, settings.duckdb_path, settings.sources)
    except RawDataError as error:
        advice = error.advice
        if database is not None:  # the queries or the connection, not a file
            advice = (
                f"Fix the query in {database.queries_path} or the PULSE_SOURCE_DATABASE_* settings and run "
                "again (docs/shop-database.md)."
            )
        # a Failure is shown as its description first, without a chained traceback through our code
        raise dg.Failure(
            description=f"{error}\n{advice}",
            metadata={"raw_path": settings.raw_path},
            allow_retries=False,
        ) from None
    if settings.engine != "duckdb":
        from pipeline.engine.raw_copy import copy_raw_tables

        copied = copy_raw_tables(settings)
        rows = sum(count for count in copied.values() if count is not None)
        context.log.info(f"raw tables copied to {settings.engine}: {rows:,} rows")
        if kept := [relation for relation, count in copied.items() if count is None]:
            summary["notes"].append(
                f"Not copied to {settings.engine} again, made from the same files: {', '.join(kept)}"
            )
    for note in summary["notes"]:
        context.log.info(note)
    for entity in ENTITIES:
        loaded = summary[entity.name]
        metadata = {
            "dagster/row_count": loaded["rows"],
            "files": ", ".join(loaded["files"]) or "(absent)",
            "raw_path": settings.raw_path,
        }
        if entity.name == "orders" and summary["notes"]:
            # how the files were read (preset, formats, pseudonyms): the console prints these lines
            metadata[CONSOLE_NOTES] = "\n".join(summary["notes"])
        yield dg.MaterializeResult(asset_key=dg.AssetKey(["raw", entity.name]), metadata=metadata)


defs = dg.Definitions(assets=[raw_files])
