"""`raw/<entity>` assets: the shop's files loaded as text, checked against the data contract."""

import dagster as dg

from pipeline.raw.contract import ENTITIES
from pipeline.raw.demo_folder import prepare_demo_shop
from pipeline.raw.errors import RawDataError
from pipeline.raw.load import SOURCE_NOTES, load_raw_folder
from pipeline.raw.source_folder import local_raw_folder
from pipeline.resources import PulseSettingsResource

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
    if settings.demo:
        prepare_demo_shop(settings, context.log)
    folder = local_raw_folder(settings)
    context.log.info(f"Loading raw files from {settings.raw_path} into {settings.duckdb_path}")
    try:
        summary = load_raw_folder(folder, settings.duckdb_path, settings.sources)
    except RawDataError as error:
        # a Failure is shown as its description first, without a chained traceback through our code
        raise dg.Failure(
            description=f"{error}\nFix the file and run again (docs/data-contract.md: what each file holds).",
            metadata={"raw_path": settings.raw_path},
            allow_retries=False,
        ) from None
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
            metadata[SOURCE_NOTES] = "\n".join(summary["notes"])
        yield dg.MaterializeResult(asset_key=dg.AssetKey(["raw", entity.name]), metadata=metadata)


defs = dg.Definitions(assets=[raw_files])
