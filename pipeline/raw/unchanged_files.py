"""Which entities' files are exactly what the last load read, so their raw tables can stay as they are, and
which only gained new files, so only those are read and appended.

A scheduled run four times a day mostly finds the same web events, messages and catalogue as six hours ago;
reading 40 M unchanged rows again cost the 1 M-customer demo two minutes a run. Each load records, per
entity, a signature of how it was read (the folder, the reading settings, the pseudonym salt, this module's
version) and one per file (its name, size and modification time). An entity whose signatures all match and
whose table exists is not read again; one whose earlier files all match and that gained files (a new part
in `orders/`) reads only the new ones.

An export read through a column mapping adds the mapping's bytes to its reading signature and is kept or
read whole (pipeline/raw/load.py).

Conservative on purpose: a re-exported file (new mtime) is read again even when its bytes are equal; a load
that keyed contacts (customer keys that were e-mails or phones) is always followed by a full load, because
those contacts are gathered from every entity's rows as they stream in; `PULSE_FULL_REFRESH` reads all.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.settings.sources import SourceSettings

# what the last load read: one row per entity and file
LOADED_SCHEMA, _LOADED_NAME = "pipeline_state", "loaded_files"
LOADED_TABLE = f"{LOADED_SCHEMA}.{_LOADED_NAME}"
_COLUMNS = {
    "entity": "varchar",
    "reading": "varchar",
    "file": "varchar",
    "signature": "varchar",
    "keyed_contacts": "boolean",
}
_VERSION = "3"  # changed whenever what a load writes for the same files changes


def reading_signature(folder: Path, entity: str, options: SourceSettings, salt_file: Path) -> str:
    """How an entity is read: the folder, the reading settings, the pseudonym salt in use (as a digest,
    never the salt) and the loader's version."""
    digest = hashlib.sha256(f"{_VERSION}|{folder.resolve()}|{entity}|{options!r}".encode())
    digest.update(hashlib.sha256((options.pseudonym_salt or "").encode()).digest())
    if salt_file.exists():
        stat = salt_file.stat()
        digest.update(f"|salt file {stat.st_size} {stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def file_signatures(folder: Path, files: Iterable[Path]) -> dict[str, str]:
    """Each file as found: relative name -> its size and modification time."""
    signatures = {}
    for path in files:
        stat = path.stat()
        signatures[str(path.relative_to(folder))] = f"{stat.st_size} {stat.st_mtime_ns}"
    return signatures


@dataclass(frozen=True)
class Loaded:
    """What the last load read of one entity."""

    reading: str
    files: dict[str, str]


def plan_entity(previous: Loaded | None, reading: str, files: dict[str, str]) -> str | list[str]:
    """'keep' (nothing changed), the new files to append (only files were added), or 'read' (read all)."""
    if previous is None or previous.reading != reading or not files:
        return "read"
    if any(files.get(name) != signature for name, signature in previous.files.items()):
        return "read"  # a file changed or went away
    added = sorted(name for name in files if name not in previous.files)
    if not added:
        return "keep"
    return added


def previous_load(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, Loaded], bool]:
    """(entity -> what was read, whether it keyed contacts) of the last load; empty before the first, and
    when the record has another layout (written by an earlier version: everything is read once)."""
    columns = {
        name
        for (name,) in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [LOADED_SCHEMA, _LOADED_NAME],
        ).fetchall()
    }
    if columns != set(_COLUMNS):
        return {}, False
    rows = con.execute(f"select {', '.join(_COLUMNS)} from {LOADED_TABLE}").fetchall()
    loaded: dict[str, Loaded] = {}
    for entity, reading, file, signature, _ in rows:
        if reading is not None:
            loaded.setdefault(entity, Loaded(reading, {})).files[file] = signature
    return loaded, any(row[-1] for row in rows)


def record_load(
    con: duckdb.DuckDBPyConnection, read: dict[str, tuple[str | None, dict[str, str]]], keyed_contacts: bool
) -> None:
    """Replace the record with this load's (entity -> reading signature, file signatures); a reading of None
    is a source without files (a preset, a mapping, a database): never kept."""
    con.execute(f"create schema if not exists {LOADED_SCHEMA}").fetchall()
    declared = ", ".join(f"{name} {kind}" for name, kind in _COLUMNS.items())
    con.execute(f"create or replace table {LOADED_TABLE} ({declared})").fetchall()
    rows = [
        [entity, reading, file, signature, keyed_contacts]
        for entity, (reading, files) in read.items()
        for file, signature in (files.items() if reading is not None else [(None, None)])
    ]
    if rows:
        con.executemany(f"insert into {LOADED_TABLE} values (?, ?, ?, ?, ?)", rows)
