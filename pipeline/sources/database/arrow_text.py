"""A query's typed Arrow batches as a contract table of text: timestamps as ISO 8601 (UTC when the
database knows the zone), numbers with a decimal point, booleans as true/false; row lineage added."""

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.raw.contract import RawEntity
from pipeline.raw.errors import RawDataError
from pipeline.raw.files import provenance, text_schema
from pipeline.sources.header_match import maybe_hint, missing_columns_sentence


def as_text(array: pa.Array) -> pa.Array:
    kind = array.type
    if pa.types.is_timestamp(kind):
        if kind.tz is not None:  # timestamptz: the instant, written in UTC
            return pc.strftime(array.cast(pa.timestamp(kind.unit, "UTC")), format="%Y-%m-%dT%H:%M:%SZ")
        # a naive DATETIME: written as it is, read in PULSE_SOURCE_TIMEZONE like a naive file value
        return pc.strftime(array, format="%Y-%m-%dT%H:%M:%S")
    if pa.types.is_date(kind):
        return pc.strftime(array, format="%Y-%m-%d")
    if pa.types.is_boolean(kind):
        return pc.if_else(array, "true", "false")
    if pa.types.is_null(kind):
        return pa.nulls(len(array), pa.string())
    return array.cast(pa.string())  # text, integers, decimals, floats (binary text is checked as UTF-8)


def column_map(entity: RawEntity, names: list[str], where: str) -> dict[str, str | None]:
    """Contract column -> the query's own column (matched case-insensitively); a missing required column
    stops the load with every missing column and the result's near matches."""
    by_normalised = {name.strip().lower(): name for name in names}
    missing = entity.missing(set(by_normalised))
    if missing:
        taken = {name for name in names if name.strip().lower() in entity.columns}
        plural = "s" if len(missing) > 1 else ""
        columns = missing_columns_sentence(missing, names, taken)
        alternatives = entity.alternatives(missing, lambda column: maybe_hint(column, names, taken))
        raise RawDataError(
            f"{where}: required column{plural} {columns} missing from its result{alternatives} "
            f"(returned: {', '.join(names) or 'no columns'}); name each column as the contract does, e.g. "
            "`select total as amount` (docs/data-contract.md)"
        )
    return {column: by_normalised.get(column) for column in entity.columns}


def contract_batch(
    batch: pa.RecordBatch, entity: RawEntity, columns: dict[str, str | None], source: str, first_row: int
) -> pa.RecordBatch:
    """`first_row` is the 1-based row of the query's result that this batch starts with."""
    n = batch.num_rows
    arrays = [
        pa.nulls(n, pa.string()) if original is None else as_text(batch.column(original))
        for original in columns.values()
    ]
    arrays += provenance(source, first_row, n)
    return pa.RecordBatch.from_arrays(arrays, schema=text_schema(entity))
