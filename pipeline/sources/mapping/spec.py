"""A column mapping file parsed and checked: which of the shop's files feed which contract table, our column
from theirs, their words in our vocabulary, and how their dates and numbers are written.

Everything that can be checked without opening the shop's files is checked here, each problem in one
sentence naming the mapping file, the key (`tables.orders.columns.amount`) and the value.
"""

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from pipeline import vocabulary
from pipeline.raw.contract import ENTITIES, RawEntity
from pipeline.settings.sources import FORMAT_CHOICES, SourceSettings, is_timestamp_format, is_timezone
from pipeline.sources.mapping.yaml_text import MappingError, read_yaml_text

# an order line's columns, in the orders columns of one_row_per: order_line: its quantity and unit price, or
# its total (line_amount) where the export has one
LINE_COLUMNS = ("quantity", "unit_price", "line_amount")

_ENTITIES = {entity.name: entity for entity in ENTITIES}
_READING_KEYS = ("timezone", "timestamp_format", "decimal")
_TOP_KEYS = ("tables", *_READING_KEYS)
_TABLE_KEYS = ("files", "columns", "values", "one_row_per", *_READING_KEYS)
# what a row of the orders files is: an order (with its amount), or one line of an order (no order total)
ONE_ROW_PER = ("order", "order_line")
DECIMALS = {",": ",", "comma": ",", ".": ".", "point": "."}


@dataclass(frozen=True)
class Reading:
    """How a table's files write naive times, timestamps and numbers; None: as the run's settings say."""

    timezone: str | None = None
    timestamp_format: str | None = None
    decimal: str | None = None

    def over(self, outer: "Reading") -> "Reading":
        return Reading(*(mine or theirs for mine, theirs in zip(self.values(), outer.values(), strict=True)))

    def values(self) -> tuple[str | None, ...]:
        return (self.timezone, self.timestamp_format, self.decimal)

    def settings(self, base: SourceSettings, mapping_name: str) -> SourceSettings:
        """The run's source settings with what the mapping states for these files put over them."""
        return replace(
            base,
            source_timezone=self.timezone or base.source_timezone,
            timestamp_format=self.timestamp_format or base.timestamp_format,
            formats_set_by=f"{mapping_name} timestamp_format"
            if self.timestamp_format
            else base.formats_set_by,
            decimal_separator=self.decimal,
        )


@dataclass(frozen=True)
class TableMapping:
    entity: RawEntity
    files: tuple[str, ...]  # names or globs, relative to the raw folder
    columns: dict[str, str]  # contract column -> their column
    # contract column -> their word (trimmed, lower-cased) -> our value
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    reading: Reading = Reading()
    one_row_per: str = "order"

    @property
    def order_lines(self) -> bool:
        """Orders read from one row per order line (order_lines.py): `entity` names the lines' columns."""
        return self.one_row_per == "order_line"


@dataclass(frozen=True)
class ColumnMapping:
    path: Path
    tables: dict[str, TableMapping]  # in the contract's order


def _maybe(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (maybe {close[0]!r})" if close else ""


class _Checker:
    """Walks the parsed file; every complaint names the file and the key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> MappingError:
        return MappingError(f"{self.path}: {key}: {problem}")

    def dictionary(self, value, key: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(key, f"must be a set of 'name: value' lines, found {_kind(value)}")
        return value

    def text(self, value, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"must be a text value, found {_kind(value)}")
        return value.strip()

    def known_keys(self, found: dict, allowed: tuple[str, ...], key: str) -> None:
        for name in found:
            if name not in allowed:
                where = f"{key}.{name}" if key else name
                raise self.fail(
                    where, f"unknown key{_maybe(name, allowed)}; allowed here: {', '.join(allowed)}"
                )

    def reading(self, found: dict, key: str) -> Reading:
        prefix = f"{key}." if key else ""
        timezone = fmt = decimal = None
        if "timezone" in found:
            timezone = self.text(found["timezone"], f"{prefix}timezone")
            if not is_timezone(timezone):
                raise self.fail(
                    f"{prefix}timezone", f"{timezone!r} is not an IANA timezone (e.g. Europe/Berlin)"
                )
        if "timestamp_format" in found:
            fmt = self.text(found["timestamp_format"], f"{prefix}timestamp_format")
            if not is_timestamp_format(fmt):
                raise self.fail(
                    f"{prefix}timestamp_format",
                    f"{fmt!r} is not a timestamp format: use {FORMAT_CHOICES}",
                )
        if "decimal" in found:
            written = self.text(found["decimal"], f"{prefix}decimal")
            if written.lower() not in DECIMALS:
                raise self.fail(f"{prefix}decimal", f"{written!r} is not ',' or '.' (or comma, point)")
            decimal = DECIMALS[written.lower()]
        return Reading(timezone, fmt, decimal)

    def files(self, value, key: str) -> tuple[str, ...]:
        patterns = value if isinstance(value, list) else [value]
        if not patterns:
            raise self.fail(key, "names no file; give a file name or a pattern such as 'orders_*.csv'")
        out = []
        for i, pattern in enumerate(patterns):
            where = key if isinstance(value, str) else f"{key}[{i}]"
            pattern = self.text(pattern, where)
            path = PurePosixPath(pattern)
            if path.is_absolute() or ".." in path.parts:
                raise self.fail(
                    where, f"{pattern!r} must name files inside the raw folder (no leading / or ..)"
                )
            out.append(pattern)
        return tuple(out)

    def columns(self, value, entity: RawEntity, key: str) -> dict[str, str]:
        found = self.dictionary(value, key)
        columns = {}
        for ours, theirs in found.items():
            if ours not in entity.columns:
                raise self.fail(
                    f"{key}.{ours}",
                    f"{ours!r} is not a column of {entity.name}{_maybe(ours, entity.columns)}; its columns: "
                    f"{', '.join(entity.columns)} (our column on the left, yours on the right)",
                )
            columns[ours] = self.text(theirs, f"{key}.{ours}")
        missing = entity.missing(set(columns))
        if missing:
            needs = ", ".join(entity.required_columns)
            if entity.one_of:
                needs += f" and {' or '.join(entity.one_of)}"
            raise self.fail(
                key,
                f"{entity.name} needs {needs}; map {', '.join(missing)} to your export's column names"
                f"{entity.alternatives(missing)}",
            )
        return columns

    def one_row_per(self, found: dict, table: str, key: str) -> str:
        if "one_row_per" not in found:
            return "order"
        written = self.text(found["one_row_per"], f"{key}.one_row_per")
        if table != "orders":
            raise self.fail(
                f"{key}.one_row_per", "only the orders table takes it (its rows may be order lines)"
            )
        if written not in ONE_ROW_PER:
            raise self.fail(
                f"{key}.one_row_per",
                f"{written!r} is not one of {', '.join(ONE_ROW_PER)}{_maybe(written, ONE_ROW_PER)}",
            )
        return written

    def values(self, value, columns: dict[str, str], key: str) -> dict[str, dict[str, str]]:
        maps = {}
        for ours, words in self.dictionary(value, key).items():
            if ours not in columns:
                raise self.fail(
                    f"{key}.{ours}", f"{ours!r} is not mapped under columns, so no word of it is read"
                )
            found = self.dictionary(words, f"{key}.{ours}")
            maps[ours] = {}
            for theirs, target in found.items():
                where = f"{key}.{ours}.{theirs}"
                word = self.text(theirs, where).lower()
                if word in maps[ours]:
                    raise self.fail(where, f"{theirs!r} is written twice (words match case-insensitively)")
                maps[ours][word] = self.text(target, where)
                if ours == "status" and maps[ours][word].lower() not in vocabulary.order_statuses():
                    raise self.fail(
                        where,
                        f"{maps[ours][word]!r} is not a status; map each word to one of "
                        f"{', '.join(vocabulary.order_statuses())}",
                    )
        return maps


def order_lines_entity(orders: RawEntity) -> RawEntity:
    """The columns of an orders file with one row per order line: the order's, with the line's quantity and
    unit_price, or its line_amount, in place of amount (which of them is checked by _line_amount_columns)."""
    required = tuple(c for c in orders.required_columns if c != "amount")
    return RawEntity(orders.name, orders.required, required, orders.optional_columns + LINE_COLUMNS)


def _line_amount_columns(check: "_Checker", columns: dict[str, str], key: str) -> None:
    total = "line_amount" in columns
    if total and "unit_price" in columns:
        raise check.fail(
            key,
            "map either line_amount (a line's total) or quantity and unit_price, not both: which one is "
            "the amount?",
        )
    if not total and not {"quantity", "unit_price"} <= set(columns):
        missing = [c for c in ("quantity", "unit_price") if c not in columns]
        raise check.fail(
            key,
            "with one_row_per: order_line an order's amount is the sum of its lines: map "
            f"{' and '.join(missing)} (quantity × unit_price), or line_amount where a row holds a line's "
            "total",
        )


def _kind(value) -> str:
    if isinstance(value, dict):
        return "a set of keys"
    if isinstance(value, list):
        return "a list"
    return "nothing" if value is None or value == "" else repr(value)


def parse_mapping(path: Path) -> ColumnMapping:
    """The mapping file checked; MappingError names what is wrong and where."""
    check = _Checker(path)
    content = read_yaml_text(path)
    if content is None:
        raise MappingError(f"{path}: the file is empty; see docs/column-mapping.md for an example")
    top = check.dictionary(content, "the file")
    check.known_keys(top, _TOP_KEYS, "")
    outer = check.reading(top, "")
    if "tables" not in top:
        raise check.fail("tables", "missing; it says which of your files feed which table (at least orders)")
    tables_found = check.dictionary(top["tables"], "tables")
    check.known_keys(tables_found, tuple(_ENTITIES), "tables")
    if "orders" not in tables_found:
        raise check.fail("tables.orders", "missing; orders is the one table every shop needs")
    tables = {}
    for name in (e.name for e in ENTITIES if e.name in tables_found):
        key = f"tables.{name}"
        found = check.dictionary(tables_found[name], key)
        check.known_keys(found, _TABLE_KEYS, key)
        for needed in ("files", "columns"):
            if needed not in found:
                raise check.fail(f"{key}.{needed}", "missing")
        one_row_per = check.one_row_per(found, name, key)
        entity = _ENTITIES[name] if one_row_per == "order" else order_lines_entity(_ENTITIES[name])
        if one_row_per == "order_line" and "amount" in check.dictionary(found["columns"], f"{key}.columns"):
            raise check.fail(
                f"{key}.columns.amount",
                "with one_row_per: order_line an order's amount is the sum of its lines; map the lines' "
                "quantity and unit_price, or line_amount, instead, or remove one_row_per if each row is a "
                "whole order",
            )
        columns = check.columns(found["columns"], entity, f"{key}.columns")
        if one_row_per == "order_line":
            _line_amount_columns(check, columns, f"{key}.columns")
        tables[name] = TableMapping(
            entity=entity,
            files=check.files(found["files"], f"{key}.files"),
            columns=columns,
            values=check.values(found.get("values") or {}, columns, f"{key}.values"),
            reading=check.reading(found, key).over(outer),
            one_row_per=one_row_per,
        )
    return ColumnMapping(path, tables)
