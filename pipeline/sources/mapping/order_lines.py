"""Orders from an export with one row per order line and no order total (`one_row_per: order_line`), such as
a till or ERP report, UCI's Online Retail, or a supermarket's basket file.

An order is the rows of one file with the same order_id, wherever they stand in it. Its amount is the sum of
its lines' quantity × unit_price (or of their line_amount, where a row holds the line's total), to the cent
(half away from zero); its other fields are the first non-blank
value among its lines, and its lineage is its first line's row. A line whose quantity or unit price does not
parse makes its order's amount that line's text, so the cleaning step quarantines the order as a
non-numeric amount with the text in view, never a total missing one line.

A line without an order id stays an order of its own (quarantined alone, as a row of a contract file would
be). Lines are grouped per file after the whole file is read: an order's lines need not be next to each other.
A file's lines are held until it ends, and their numbers are parsed in Python: 1.3 M lines (a 103 MB file)
peaked at 1.5 GB and loaded in 16 s.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.raw.contract import ENTITIES, SOURCE_FILE_COLUMN, SOURCE_ROW_COLUMN
from pipeline.raw.files import text_schema
from pipeline.sources.numbers import COMMA, POINT, NumberFormat, detect

ORDERS = ENTITIES[0]
_QUANTITY = pa.decimal128(18, 4)
_PRICE = pa.decimal128(18, 6)
_SAMPLE = 1_000  # unit prices a file's decimal separator is detected from, as for any number column


@dataclass
class OrderLines:
    """Turns one table's line batches (the orders columns but amount, and quantity and unit_price) into
    the contract's order batches, file by file; counts what it grouped for the console."""

    decimal: str | None  # the mapping's decimal separator; None: detected per file
    delimiters: dict[str, str | None]
    by_total: bool = False  # each line's total is given (line_amount), not its quantity and unit price
    grouped: dict[str, tuple[int, int]] = field(default_factory=dict)  # file -> (lines, orders)

    def orders(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        current: list[pa.RecordBatch] = []
        for batch in batches:
            if batch.num_rows == 0:
                continue
            if current and batch.column(SOURCE_FILE_COLUMN)[0] != current[0].column(SOURCE_FILE_COLUMN)[0]:
                yield from self._file_orders(pa.Table.from_batches(current))
                current = []
            current.append(batch)  # a batch never spans two files
        if current:
            yield from self._file_orders(pa.Table.from_batches(current))

    def note(self) -> str | None:
        if not self.grouped:
            return None
        parts = [
            f"{name}: {lines:,} order lines into {orders:,} orders"
            for name, (lines, orders) in self.grouped.items()
        ]
        summed = "line_amount" if self.by_total else "quantity × unit_price"
        return "; ".join(parts) + f" (one_row_per: order_line; amount = the sum of {summed})"

    def _file_orders(self, lines: pa.Table) -> Iterator[pa.RecordBatch]:
        source = lines.column(SOURCE_FILE_COLUMN)[0].as_py()
        if self.by_total:
            number = self._format(source, lines.column("line_amount"))
            line_amount = _parsed(lines.column("line_amount"), number, _PRICE)
            written = pc.fill_null(lines.column("line_amount"), "")
        else:
            number = self._format(source, lines.column("unit_price"))
            quantity = _parsed(lines.column("quantity"), number, _QUANTITY)
            line_amount = pc.multiply(quantity, _parsed(lines.column("unit_price"), number, _PRICE))
            written = pc.binary_join_element_wise(
                pc.fill_null(lines.column("quantity"), ""),
                pc.fill_null(lines.column("unit_price"), ""),
                " × ",
            )
        # the text of a line that does not parse, kept as its order's amount so the order is quarantined
        unreadable = pc.if_else(pc.is_null(line_amount), written, pa.scalar(None, pa.string()))
        order_fields = [c for c in ORDERS.columns if c not in ("order_id", "amount")]
        order_id = _blank_as_null(lines.column("order_id"))
        # a line without an order id is an order of its own, quarantined alone with its own row
        own_key = pc.binary_join_element_wise(
            "\x00row ", lines.column(SOURCE_ROW_COLUMN).cast(pa.string()), ""
        )
        table = pa.table(
            {
                "key": pc.coalesce(order_id, own_key),
                "order_id": order_id,
                **{c: _blank_as_null(lines.column(c)) for c in order_fields},
                "line_amount": line_amount,
                "unreadable": unreadable,
                SOURCE_ROW_COLUMN: lines.column(SOURCE_ROW_COLUMN),
            }
        )
        firsts = [(c, "first") for c in ["order_id", *order_fields, "unreadable"]]
        grouped = table.group_by("key", use_threads=False).aggregate(
            [*firsts, ("line_amount", "sum"), (SOURCE_ROW_COLUMN, "min")]
        )
        grouped = grouped.sort_by(f"{SOURCE_ROW_COLUMN}_min")
        total = pc.round(grouped.column("line_amount_sum"), 2, round_mode="half_towards_infinity")
        amount = pc.coalesce(
            grouped.column("unreadable_first"), total.cast(pa.decimal128(38, 2)).cast(pa.string())
        )
        columns = {
            **{c: grouped.column(f"{c}_first") for c in ["order_id", *order_fields]},
            "amount": amount,
            SOURCE_FILE_COLUMN: pa.repeat(pa.scalar(source, pa.string()), grouped.num_rows),
            SOURCE_ROW_COLUMN: grouped.column(f"{SOURCE_ROW_COLUMN}_min"),
        }
        schema = text_schema(ORDERS)
        orders = pa.table({name: columns[name] for name in schema.names}).cast(schema)
        self.grouped[source] = (lines.num_rows, orders.num_rows)
        yield from orders.to_batches()

    def _format(self, source: str, prices: pa.ChunkedArray) -> NumberFormat:
        if self.decimal is not None:
            return COMMA if self.decimal == "," else POINT
        sample = [v.strip() for v in prices.slice(0, _SAMPLE * 4).to_pylist() if v and v.strip()][:_SAMPLE]
        return detect(sample, self.delimiters.get(source))


def _blank_as_null(values: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.if_else(pc.equal(pc.utf8_trim_whitespace(values), ""), pa.scalar(None, pa.string()), values)


def _parsed(values: pa.ChunkedArray, number: NumberFormat, kind: pa.Decimal128Type) -> pa.Array:
    """Each value in the file's number format as a decimal of `kind` (rounded to its scale); null where it
    does not parse, is blank, or is too large for it."""
    step = Decimal(1).scaleb(-kind.scale)
    limit = Decimal(10) ** (kind.precision - kind.scale)
    out: list[Decimal | None] = []
    for value in values.to_pylist():
        text = None if value is None else number.parse(value.strip())
        parsed = None if text is None else Decimal(text).quantize(step, ROUND_HALF_UP)
        out.append(parsed if parsed is not None and abs(parsed) < limit else None)
    return pa.array(out, kind)
