"""Columns a preset made, as one contract entity's table of text with the export's row lineage."""

import pyarrow as pa

from pipeline.raw.contract import ENTITIES, SOURCE_FILE_COLUMN, SOURCE_ROW_COLUMN
from pipeline.raw.files import text_schema

_BY_NAME = {entity.name: entity for entity in ENTITIES}


def contract_table(
    entity: str, columns: dict[str, list[str | None]], source: str, rows: list[int]
) -> pa.Table:
    """`rows` are 0-based export rows; the table holds 1-based data rows, as contract files do."""
    spec = _BY_NAME[entity]
    unknown = set(columns) - set(spec.columns)
    assert not unknown, f"not contract columns of {entity}: {unknown}"  # a preset's own mistake
    n = len(rows)
    data = {c: pa.array(columns.get(c, [None] * n), pa.string()) for c in spec.columns}
    data[SOURCE_FILE_COLUMN] = pa.array([source] * n, pa.string())
    data[SOURCE_ROW_COLUMN] = pa.array([r + 1 for r in rows], pa.int64())
    return pa.table(data, schema=text_schema(spec))
