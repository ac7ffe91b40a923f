"""`audience_exports`: one CSV per audience, ready to upload, written beside the published tables once
they are published (`audience_exports/<audience>.csv`). Ads audiences carry only SHA-256 hashes of the
normalised e-mail and phone, the format ad platforms match customer lists on; e-mail and SMS audiences
carry the customer ids the shop's messaging tool knows. The control group is left out."""

import io

import dagster as dg
import pyarrow.csv as pacsv

from pipeline.defs.targeting.assets import AUDIENCE_MEMBERS, AUDIENCES
from pipeline.engine import open_warehouse
from pipeline.privacy.scan import blocking_message, scan_file
from pipeline.resources import PulseSettingsResource
from pipeline.storage import delete_files, list_keys, write_bytes
from targeting.audience_members import UPLOAD_COLUMNS

EXPORT_PREFIX = "audience_exports/"


def export_key(audience: str) -> str:
    return f"{EXPORT_PREFIX}{audience}.csv"


@dg.asset(
    key="audience_exports",
    group_name="publish",
    kinds={"csv"},
    deps=[dg.AssetKey(f"published_{table.name}") for table in (AUDIENCES, AUDIENCE_MEMBERS)],
    description="One upload file per audience under PULSE_PUBLISH_URI/audience_exports/, written after the "
    "tables are published: hashed contacts for ads, customer ids for e-mail and SMS; no control group.",
)
def audience_exports(context: dg.AssetExecutionContext, pulse: PulseSettingsResource) -> dg.MaterializeResult:
    settings = pulse.load()
    written: dict[str, int] = {}
    files: dict[str, bytes] = {}
    with (
        open_warehouse(settings).reading() as reader,
        reader.on_duckdb([AUDIENCES.relation, AUDIENCE_MEMBERS.relation]) as con,
    ):
        audiences = con.sql(f"select audience, channel from {AUDIENCES.relation} order by 1").fetchall()
        for audience, channel in audiences:
            columns = ", ".join(UPLOAD_COLUMNS[channel])
            rows = con.sql(
                f"select {columns} from {AUDIENCE_MEMBERS.relation}"
                " where audience = $audience and not is_control order by all",
                params={"audience": audience},
            ).to_arrow_table()
            buffer = io.BytesIO()
            pacsv.write_csv(rows, buffer)
            files[export_key(audience)] = buffer.getvalue()
            written[audience] = rows.num_rows
    # PII pre-flight: every file is scanned before any is written, so a refusal leaves the old files
    if findings := [finding for key, data in files.items() for finding in scan_file(key, data)]:
        raise dg.Failure(description=blocking_message(findings), allow_retries=False)
    for key, data in files.items():
        write_bytes(key, data, settings)
    # an audience removed from the configuration leaves no stale upload file behind
    stale = [key for key in list_keys(EXPORT_PREFIX, settings) if key[len(EXPORT_PREFIX) : -4] not in written]
    delete_files(stale, settings)
    context.log.info(f"{len(written)} audience upload files written, {len(stale)} stale removed")
    return dg.MaterializeResult(
        metadata={"files": dg.MetadataValue.json(written), "removed": dg.MetadataValue.json(stale)}
    )


defs = dg.Definitions(assets=[audience_exports])
