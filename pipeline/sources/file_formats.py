"""One file's reading of its timestamp and number columns: detected once from its first rows, applied to all.

Canonical values pass through untouched (a contract file in ISO 8601 and plain numbers costs one vectorised
check per batch, and only its other values are parsed); a file in another format is parsed value by value.
A value that fails keeps its text, and its row is marked unreadable for that column so the file's verdict
can count it.
"""

import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.raw.contract import NUMBER_COLUMNS, TIMESTAMP_COLUMNS
from pipeline.settings.sources import SourceSettings
from pipeline.sources import numbers, timestamps

SAMPLE_VALUES = 2000


def _sample(batch: pa.RecordBatch, column: str) -> list[str]:
    values = (v.strip() for v in batch.column(column).to_pylist()[: SAMPLE_VALUES * 4] if v is not None)
    return [v for v in values if v][:SAMPLE_VALUES]


def _canonical(array: pa.Array, pattern: str) -> pa.Array:
    """Per row: blank, null or already matching `pattern` (the contract's own text)."""
    trimmed = pc.utf8_trim_whitespace(array)
    matches = pc.or_kleene(pc.equal(trimmed, ""), pc.match_substring_regex(trimmed, pattern))
    return pc.fill_null(matches, True)


@dataclass
class FileFormats:
    """The formats of one file's typed columns, chosen from its first batch, and the console line on them."""

    source_file: str
    timestamp: dict[str, timestamps.TimestampFormat | None] = field(default_factory=dict)
    number: dict[str, numbers.NumberFormat] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    tz: ZoneInfo = ZoneInfo("UTC")

    @classmethod
    def detect(
        cls, entity: str, first: pa.RecordBatch, delimiter: str | None, options: SourceSettings
    ) -> "FileFormats":
        source_file = first.column("_source_file")[0].as_py() if first.num_rows else "?"
        formats = cls(source_file, tz=ZoneInfo(options.source_timezone))
        said: list[str] = []
        for column in TIMESTAMP_COLUMNS.get(entity, ()):
            if options.timestamp_format:
                chosen = timestamps.forced_format(options.timestamp_format, options.formats_set_by)
                if _sample(first, column):
                    said.append(f"{column} as {chosen.label}")
            else:
                detected = timestamps.detect(_sample(first, column), formats.tz)
                chosen = detected.format if detected else None
                # ISO 8601 in UTC is the contract's own form: only another reading is worth a line
                if detected and (detected.format.name != "iso" or detected.why or str(formats.tz) != "UTC"):
                    said.append(
                        f"{column} as {detected.format.label}"
                        + (f" ({detected.why})" if detected.why else "")
                    )
            formats.timestamp[column] = chosen
        for column in NUMBER_COLUMNS.get(entity, ()):
            if options.decimal_separator:  # a column mapping states it
                formats.number[column] = numbers.COMMA if options.decimal_separator == "," else numbers.POINT
            else:
                formats.number[column] = numbers.detect(_sample(first, column), delimiter)
            if formats.number[column] is numbers.COMMA:
                said.append(f"{column} with a decimal comma")
        if said:
            timed = TIMESTAMP_COLUMNS.get(entity, ())  # a file with no times needs no word on their zone
            zone = (
                ""
                if options.source_timezone == "UTC" or not timed
                else f"; times without an offset in {options.source_timezone}"
            )
            formats.notes.append(f"{source_file}: " + ", ".join(said) + zone)
        return formats

    def apply(self, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, dict[str, list[bool] | None]]:
        """The batch with its typed columns rewritten, and per column which rows could not be read (None:
        every row could)."""
        unreadable: dict[str, list[bool] | None] = {}
        columns = {name: batch.column(name) for name in batch.schema.names}
        for column, fmt in self.timestamp.items():
            utc_iso = fmt is not None and fmt.name == "iso" and str(self.tz) == "UTC"
            columns[column], unreadable[column] = self._rewrite(
                columns[column], timestamps.CANONICAL.pattern, utc_iso, self._timestamp(fmt)
            )
        for column, fmt in self.number.items():
            plain_is_right = fmt is numbers.POINT
            columns[column], unreadable[column] = self._rewrite(
                columns[column], numbers.PLAIN.pattern, plain_is_right, fmt.parse
            )
        return pa.RecordBatch.from_arrays(list(columns.values()), schema=batch.schema), unreadable

    def _timestamp(self, fmt: timestamps.TimestampFormat | None):
        def parse(text: str) -> str | None:
            parsed = fmt.parse(text, self.tz) if fmt else None
            return None if parsed is None else timestamps.as_text(parsed)

        return parse

    @staticmethod
    def _rewrite(
        array: pa.Array, canonical: str, canonical_is_right: bool, parse
    ) -> tuple[pa.Array, list[bool] | None]:
        if canonical_is_right:
            # only the other values are parsed one by one: a file of canonical text with a few bad values
            # (9.3 M orders, 8,365 of them not dates) no longer parses every row in Python
            todo = np.flatnonzero(~_canonical(array, canonical).to_numpy(zero_copy_only=False))
            if len(todo) == 0:
                return array, None  # the common case: already the contract's text
        else:
            todo = np.arange(len(array))
        out: list[str | None] = []
        bad = [False] * len(array)
        canonical_re = re.compile(canonical)
        values = array if len(todo) == len(array) else array.take(pa.array(todo))  # no copy when all
        for row, value in zip(todo.tolist(), values.to_pylist(), strict=True):
            text = value.strip() if value is not None else ""
            parsed = parse(text) if text else None
            out.append(parsed if parsed is not None else value)
            # a value the file's format cannot read still counts as readable when it is already canonical
            bad[row] = bool(text) and parsed is None and not canonical_re.match(text)
        if len(todo) == len(array):
            return pa.array(out, pa.string()), bad
        mask = np.zeros(len(array), dtype=bool)
        mask[todo] = True
        return pc.replace_with_mask(array, pa.array(mask), pa.array(out, pa.string())), bad
