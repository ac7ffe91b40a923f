"""Finding an entity's files in a raw folder and reading them as text batches with row lineage."""

import csv
import gzip
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pipeline.raw.contract import SOURCE_FILE_COLUMN, SOURCE_ROW_COLUMN, RawEntity
from pipeline.raw.errors import RawDataError

_SUFFIXES = (".csv", ".csv.gz", ".parquet")
_BATCH_BYTES = 64 << 20


def find_entity_files(folder: Path, entity: RawEntity) -> list[Path]:
    """`orders.csv`, `orders.csv.gz`, `orders.parquet`, or every such file inside `orders/`."""
    singles = [folder / f"{entity.name}{suffix}" for suffix in _SUFFIXES]
    found = [p for p in singles if p.is_file()]
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise RawDataError(f"{folder}: several files for '{entity.name}' ({names}); keep exactly one")
    part_dir = folder / entity.name
    if part_dir.is_dir():
        parts = sorted(p for p in part_dir.iterdir() if p.is_file() and p.name.endswith(_SUFFIXES))
        if found and parts:
            raise RawDataError(f"{folder}: both {found[0].name} and a folder {entity.name}/; keep one")
        return parts
    return found


def _header(path: Path) -> list[str]:
    if path.name.endswith(".parquet"):
        return list(pq.read_schema(path).names)
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
            return next(csv.reader(handle), [])
    except (UnicodeDecodeError, OSError, csv.Error) as error:
        raise RawDataError(f"{path}: cannot read the header row ({error})") from error


def column_mapping(path: Path, entity: RawEntity) -> dict[str, str | None]:
    """Contract column -> the file's own column name (None when an optional column is absent)."""
    header = _header(path)
    by_normalised = {name.strip().lower(): name for name in header}
    missing = [c for c in entity.required_columns if c not in by_normalised]
    if missing:
        found = ", ".join(header) if header else "no columns"
        raise RawDataError(
            f"{path}: required column '{missing[0]}' is missing from {entity.name} (found: {found})"
        )
    return {column: by_normalised.get(column) for column in entity.columns}


def text_schema(entity: RawEntity) -> pa.Schema:
    fields = [pa.field(c, pa.string()) for c in entity.columns]
    fields += [pa.field(SOURCE_FILE_COLUMN, pa.string()), pa.field(SOURCE_ROW_COLUMN, pa.int64())]
    return pa.schema(fields)


def _file_batches(path: Path, columns: list[str]) -> Iterator[pa.RecordBatch]:
    """Only the contract's columns are read; extra columns in the file are never parsed."""
    if path.name.endswith(".parquet"):
        yield from pq.ParquetFile(path).iter_batches(batch_size=262_144, columns=columns)
        return
    # every column as text: typing is the cleaning step's job, so one bad value never fails the load
    convert = pacsv.ConvertOptions(
        include_columns=columns, column_types={name: pa.string() for name in columns}
    )
    reader = pacsv.open_csv(
        path, read_options=pacsv.ReadOptions(block_size=_BATCH_BYTES), convert_options=convert
    )
    yield from reader


def entity_batches(
    folder: Path, mappings: dict[Path, dict[str, str | None]], entity: RawEntity
) -> Iterator[pa.RecordBatch]:
    """All of an entity's rows as text, in file order, with the file name and 1-based data row.

    `mappings`: each file (in order) with its `column_mapping`, checked before loading starts.
    """
    schema = text_schema(entity)
    for path, mapping in mappings.items():
        source = str(path.relative_to(folder))
        row = 0
        try:
            present = [original for original in mapping.values() if original is not None]
            for batch in _file_batches(path, present):
                n = batch.num_rows
                arrays = []
                for column in entity.columns:
                    original = mapping[column]
                    if original is None:
                        arrays.append(pa.nulls(n, pa.string()))
                    else:
                        arrays.append(batch.column(original).cast(pa.string()))
                arrays.append(pa.array([source] * n, pa.string()) if n else pa.array([], pa.string()))
                arrays.append(pa.array(range(row + 1, row + n + 1), pa.int64()))
                row += n
                yield pa.RecordBatch.from_arrays(arrays, schema=schema)
        except (pa.ArrowInvalid, OSError) as error:
            raise RawDataError(f"{path}: cannot read {entity.name} after data row {row} ({error})") from error
