"""A mapped table's value maps applied as its rows stream in, and its status words checked.

Words match trimmed and case-insensitively; a word the map does not name passes as written. A status
word that is neither mapped nor one of ours would quarantine every such order as `unknown_status`, so the
table's words are gathered over all its rows and any unmapped one stops the load with the full list.
"""

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from pipeline import vocabulary
from pipeline.raw.contract import SOURCE_FILE_COLUMN, SOURCE_ROW_COLUMN
from pipeline.sources.mapping.spec import ColumnMapping, TableMapping
from pipeline.sources.mapping.yaml_text import MappingError

_SHOWN = 10  # unmapped words listed in the error


@dataclass
class _Unmapped:
    rows: int
    source: str
    row: int  # the first data row holding the word


@dataclass
class ValueMaps:
    mapping: ColumnMapping
    table: TableMapping
    unmapped: dict[str, _Unmapped] = field(default_factory=dict)  # their status word -> where it was met

    def apply(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        if batch.num_rows == 0 or (not self.table.values and "status" not in self.table.columns):
            return batch
        columns = {name: batch.column(name) for name in batch.schema.names}
        for column, words in self.table.values.items():
            columns[column] = _translate(columns[column], words)
        if "status" in self.table.columns:
            self._gather(columns["status"], columns[SOURCE_FILE_COLUMN], columns[SOURCE_ROW_COLUMN])
        return pa.RecordBatch.from_arrays(list(columns.values()), schema=batch.schema)

    def _gather(self, status: pa.Array, sources: pa.Array, rows: pa.Array) -> None:
        allowed = pa.array(vocabulary.order_statuses())
        plain = pc.utf8_lower(pc.utf8_trim_whitespace(status))
        unknown = pc.and_(pc.invert(pc.is_in(plain, allowed)), pc.not_equal(plain, ""))
        unknown = pc.fill_null(unknown, False)
        if not pc.any(unknown).as_py():
            return
        words, at, row = (pc.filter(a, unknown).to_pylist() for a in (status, sources, rows))
        for word, source, number in zip(words, at, row, strict=True):
            word = word.strip()
            if word in self.unmapped:
                self.unmapped[word].rows += 1
            else:
                self.unmapped[word] = _Unmapped(1, source, number)

    def check(self) -> None:
        """After the table's last row: every status word is ours or mapped, else one sentence lists them."""
        if not self.unmapped:
            return
        ranked = sorted(self.unmapped.items(), key=lambda item: -item[1].rows)
        listed = ", ".join(
            f"{word!r} ({met.rows:,} row{'s' if met.rows != 1 else ''}, e.g. {met.source} data row {met.row})"
            for word, met in ranked[:_SHOWN]
        )
        more = f" and {len(ranked) - _SHOWN} more" if len(ranked) > _SHOWN else ""
        name = self.table.entity.name
        raise MappingError(
            f"{self.mapping.path}: tables.{name}.values.status: status words with no mapping: {listed}"
            f"{more}; map each to one of {', '.join(vocabulary.order_statuses())} "
            f"(column {self.table.columns['status']!r})"
        )


def _translate(values: pa.Array, words: dict[str, str]) -> pa.Array:
    """Each value whose trimmed, lower-cased text is a mapped word becomes its mapping; the rest stay."""
    key = pc.utf8_lower(pc.utf8_trim_whitespace(values))
    position = pc.index_in(key, pa.array(list(words), pa.string()))
    mapped = pc.take(pa.array(list(words.values()), pa.string()), position)
    return pc.if_else(pc.is_null(position), values, mapped)
