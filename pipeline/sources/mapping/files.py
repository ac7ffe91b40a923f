"""The shop's files a mapped table reads, each inspected before anything is loaded: found by name or
pattern, its delimiter picked by the mapping's own column names, every mapped column present in its header."""

from pathlib import Path

from pipeline.raw.contract import RawEntity
from pipeline.raw.csv_head import read_csv_head
from pipeline.raw.files import RawFile
from pipeline.sources.header_match import near_matches
from pipeline.sources.mapping.spec import ColumnMapping, TableMapping
from pipeline.sources.mapping.yaml_text import MappingError
from pipeline.sources.presets.export_file import column_key

_CSV = (".csv", ".csv.gz", ".txt")


def _listing(folder: Path) -> str:
    names = sorted(p.name for p in folder.iterdir() if p.is_file())
    return ", ".join(names[:12]) + (", ..." if len(names) > 12 else "") if names else "none"


def table_files(folder: Path, mapping: ColumnMapping, table: TableMapping) -> list[Path]:
    """Every file the table's names and patterns match, in name order, each once."""
    found: list[Path] = []
    for pattern in table.files:
        matched = sorted(p for p in folder.glob(pattern) if p.is_file())
        if not matched:
            raise MappingError(
                f"{mapping.path}: tables.{table.entity.name}.files: no file in {folder} matches {pattern!r} "
                f"(files there: {_listing(folder)})"
            )
        for path in matched:
            if not path.name.lower().endswith(_CSV):
                raise MappingError(
                    f"{mapping.path}: tables.{table.entity.name}.files: {pattern!r} matches {path.name}, "
                    "which is not a CSV file (.csv, .csv.gz or .txt); narrow the pattern"
                )
        found += [p for p in matched if p not in found]
    return found


def _missing_sentence(missing: list[tuple[str, str]], header: list[str], taken: set[str]) -> str:
    parts = []
    for ours, theirs in missing:
        maybe = list(dict.fromkeys(near_matches(theirs, header, taken) + near_matches(ours, header, taken)))
        hint = f"; maybe {' or '.join(repr(m) for m in maybe)}" if maybe else ""
        parts.append(f"{theirs!r} (for {ours}{hint})")
    return ", ".join(parts)


def inspect_mapped_file(mapping: ColumnMapping, table: TableMapping, path: Path) -> RawFile:
    """The file's header checked against the table's mapped columns; a RawFile the contract loader streams."""
    entity = table.entity
    # the delimiter that splits out the most of the mapping's own names wins, as with the contract's names
    theirs = RawEntity(
        entity.name, entity.required, (), tuple(n.strip().lower() for n in table.columns.values())
    )
    head = read_csv_head(path, theirs)
    by_key = {column_key(name): name for name in head.header}
    columns: dict[str, str | None] = {}
    missing = []
    for ours in entity.columns:
        if (name := table.columns.get(ours)) is None:
            columns[ours] = None
        elif (original := by_key.get(column_key(name))) is None:
            missing.append((ours, name))
        else:
            columns[ours] = original
    if missing:
        taken = {name for name in columns.values() if name is not None}
        what = "column" if len(missing) == 1 else "columns"
        raise MappingError(
            f"{mapping.path}: tables.{entity.name}.columns: {path.name} has no {what} "
            f"{_missing_sentence(missing, head.header, taken)}; its header: {', '.join(head.header)}"
        )
    return RawFile(path=path, columns=columns, delimiter=head.delimiter, has_rows=head.has_rows)
