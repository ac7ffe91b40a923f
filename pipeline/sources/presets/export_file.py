"""One export file read whole as text, its columns looked up by any of their known names."""

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from pipeline.raw.contract import RawEntity
from pipeline.raw.csv_head import read_csv_head
from pipeline.raw.errors import RawDataError


def column_key(name: str) -> str:
    return " ".join(name.strip().lower().replace("_", " ").split())


def read_header(path: Path, known: tuple[str, ...]) -> tuple[str, list[str]]:
    """The delimiter and header of a CSV export; the delimiter that splits out the most `known` names wins."""
    head = read_csv_head(path, RawEntity("export", False, (), tuple(column_key(k) for k in known)))
    return head.delimiter, head.header


@dataclass(frozen=True)
class ExportFile:
    name: str  # relative to the raw folder: the lineage of every row taken from it
    rows: int
    _columns: dict[str, list[str | None]]

    @classmethod
    def read(cls, folder: Path, path: Path, known: tuple[str, ...]) -> "ExportFile":
        delimiter, header = read_header(path, known)
        try:
            # notes and addresses may hold line breaks inside quotes; every value stays text
            table = pacsv.read_csv(
                path,
                parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in header}),
            )
        except (pa.ArrowInvalid, OSError) as error:
            raise RawDataError(f"{path}: cannot read the export ({error})") from error
        columns = {column_key(n): table.column(n).to_pylist() for n in table.column_names}
        return cls(str(path.relative_to(folder)), table.num_rows, columns)

    def has(self, *names: str) -> bool:
        return any(column_key(n) in self._columns for n in names)

    def column(self, *names: str) -> list[str | None]:
        """The first of `names` the file has, with blanks as None; all None when it has none of them."""
        for name in names:
            if (values := self._columns.get(column_key(name))) is not None:
                return [v.strip() if v is not None and v.strip() else None for v in values]
        return [None] * self.rows
