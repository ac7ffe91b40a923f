"""Whether an orders file is the wrong file: when most of its rows fail the same way, one sentence says so.

Counted while the rows stream in, with the cleaning step's first reasons that need no other table
(blank keys, unreadable timestamps and amounts), so a file that would quarantine nearly every row stops
the run before dbt, instead of ending in a failed test or an empty shop.
"""

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.raw.contract import SOURCE_ROW_COLUMN
from pipeline.raw.errors import RawDataError

FORMATS_DOC = "docs/data-contract.md#dates-and-numbers"
# (reason, column, what a failing value is), in the order the cleaning step applies them
_RULES = (
    ("missing_order_id", "order_id", "blank"),
    ("missing_customer_id", "customer_id", "blank"),
    ("missing_timestamp", "ordered_at", "blank"),
    ("unparseable_timestamp", "ordered_at", "unparseable"),
    ("missing_amount", "amount", "blank"),
    ("non_numeric_amount", "amount", "not a number"),
)
_ADVICE = {
    "unparseable": {
        "ordered_at": "set {timestamp_setting} or see " + FORMATS_DOC,
        "amount": f"see {FORMATS_DOC}",
    },
    "blank": "is the right column mapped? see docs/data-contract.md#orders-required",
}
_ADVICE["not a number"] = _ADVICE["unparseable"]


@dataclass
class _FileCount:
    rows: int = 0
    failed: dict[str, int] = field(default_factory=dict)  # by reason: rows whose first reason it is
    example: dict[str, tuple[str | None, int]] = field(default_factory=dict)  # first value and data row


@dataclass
class OrdersVerdict:
    """Counts per orders file; `check` raises the one sentence when most rows of a file fail alike."""

    labels: dict[str, str] = field(default_factory=dict)  # contract column -> the export's own name
    unit: str = "rows"  # a preset's rows are orders made from line items: "orders"
    timestamp_setting: str = "PULSE_TIMESTAMP_FORMAT"  # where the advice sends a user to state the format
    files: dict[str, _FileCount] = field(default_factory=dict)

    def count(self, source: str, batch: pa.RecordBatch, unreadable: dict[str, list[bool] | None]) -> None:
        """Vectorised: each row is counted under the first rule it breaks, as the cleaning step would."""
        counted = self.files.setdefault(source, _FileCount())
        n = batch.num_rows
        left = pa.array([True] * n)  # rows no earlier rule has taken
        for reason, column, failure in _RULES:
            values = batch.column(column)
            blank = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(values), ""), True)
            if failure == "blank":
                broken = blank
            elif unreadable.get(column) is None:
                continue
            else:
                broken = pc.and_(pc.invert(blank), pa.array(unreadable[column]))
            broken = pc.and_(broken, left)
            failed = pc.sum(broken).as_py() or 0
            if failed:
                counted.failed[reason] = counted.failed.get(reason, 0) + failed
                if reason not in counted.example:
                    first = pc.index(broken, True).as_py()
                    row = batch.column(SOURCE_ROW_COLUMN)[first].as_py()
                    counted.example[reason] = (values[first].as_py(), row)
                left = pc.and_(left, pc.invert(broken))
        counted.rows += n

    def check(self) -> None:
        for source, counted in self.files.items():
            if sentence := self._sentence(source, counted):
                raise RawDataError(sentence)

    def _sentence(self, source: str, counted: _FileCount) -> str | None:
        if not counted.failed:
            return None
        reason, failed = max(counted.failed.items(), key=lambda item: item[1])
        if failed * 2 <= counted.rows:  # a minority of bad rows is the cleaning step's business
            return None
        _, column, failure = next(rule for rule in _RULES if rule[0] == reason)
        clean = counted.rows - sum(counted.failed.values())
        name = column if column not in self.labels else f"{column} ({self.labels[column]!r})"
        if failed == counted.rows:
            what = f"every {name} is {failure}"
        else:
            what = f"{failed:,} of the {counted.rows:,} {name} values are {failure}"
        value, row = counted.example[reason]
        example = f"e.g. {value!r} (data row {row})" if failure != "blank" else f"e.g. data row {row}"
        advice = _ADVICE[failure] if isinstance(_ADVICE[failure], str) else _ADVICE[failure][column]
        advice = advice.format(timestamp_setting=self.timestamp_setting)
        return f"{source}: {clean:,} of {counted.rows:,} {self.unit} are clean: {what}, {example}; {advice}"
