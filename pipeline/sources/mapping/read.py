"""A column mapping's tables read as the contract's: every file inspected first, then streamed through the
contract loader's own reader with its columns renamed to ours and its words translated."""

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow as pa

from pipeline.raw.files import RawFile, entity_batches, require_rows
from pipeline.settings.sources import SourceSettings
from pipeline.sources.mapping.files import inspect_mapped_file, table_files
from pipeline.sources.mapping.locate import Located
from pipeline.sources.mapping.order_lines import OrderLines
from pipeline.sources.mapping.spec import ColumnMapping, TableMapping, parse_mapping
from pipeline.sources.mapping.values import ValueMaps


@dataclass(frozen=True)
class MappedTable:
    """One contract table as the loader needs it: its files, how each is read, and its rows."""

    folder: Path
    table: TableMapping
    files: list[RawFile]
    reading: SourceSettings  # the run's settings with the mapping's timezone and formats put over them
    maps: ValueMaps
    lines: OrderLines | None = None  # orders from one row per order line: grouped as they stream in

    @property
    def names(self) -> list[str]:
        return [str(f.path.relative_to(self.folder)) for f in self.files]

    @property
    def delimiters(self) -> dict[str, str | None]:
        return file_delimiters(self.folder, self.files)

    def batches(self) -> Iterator[pa.RecordBatch]:
        mapped = (
            self.maps.apply(batch) for batch in entity_batches(self.folder, self.files, self.table.entity)
        )
        yield from mapped if self.lines is None else self.lines.orders(mapped)
        self.maps.check()  # after the last row: every status word met is ours or mapped


@dataclass(frozen=True)
class MappedSource:
    mapping: ColumnMapping
    tables: dict[str, MappedTable]
    line: str  # what the console says about how the files were read

    def grouping_notes(self) -> list[str]:
        """What the console says about order lines grouped into orders, once the orders are loaded."""
        return [note for table in self.tables.values() if table.lines and (note := table.lines.note())]

    @property
    def labels(self) -> dict[str, str]:
        """Contract column -> the shop's own name, for the orders file's verdict."""
        return dict(self.mapping.tables["orders"].columns)


def file_delimiters(folder: Path, files: list[RawFile]) -> dict[str, str | None]:
    """Each file's delimiter, by its path under the raw folder (as the console and errors name it)."""
    return {str(f.path.relative_to(folder)): f.delimiter for f in files}


def read_mapped_source(folder: Path, located: Located, options: SourceSettings) -> MappedSource:
    """The mapping parsed and every file it names inspected (header, delimiter, rows) before any load."""
    mapping = parse_mapping(located.path)
    tables = {}
    for name, table in mapping.tables.items():
        files = [inspect_mapped_file(mapping, table, path) for path in table_files(folder, mapping, table)]
        require_rows(folder, table.entity, files)
        reading = table.reading.settings(options, located.path.name)
        lines = None
        if table.order_lines:
            delimiters = file_delimiters(folder, files)
            lines = OrderLines(reading.decimal_separator, delimiters, by_total="line_amount" in table.columns)
            reading = replace(reading, decimal_separator=".")  # the amounts it writes have a decimal point
        tables[name] = MappedTable(folder, table, files, reading, ValueMaps(mapping, table), lines)
    fed = "; ".join(
        f"{name} <- {', '.join(t.names)}{' (one row per order line)' if t.lines else ''}"
        for name, t in tables.items()
    )
    line = f"Column mapping {located.path} ({located.why}): {fed}"
    return MappedSource(mapping, tables, line)
