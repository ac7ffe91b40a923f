"""Which entities' files are exactly what the last load read, so their raw tables can stay as they are.

A scheduled run four times a day mostly finds the same web events, messages and catalogue as six hours ago;
reading 40 M unchanged rows again cost the 1 M-customer demo two minutes a run. Each load records, per
entity, a signature of what it read: every file's name, size and modification time, the reading settings
and this module's version. An entity whose signature matches and whose table exists is not read again.

Conservative on purpose: a re-exported file (new mtime) is read again even when its bytes are equal; a load
that keyed contacts (customer keys that were e-mails or phones) is always followed by a full load, because
those contacts are gathered from every entity's rows as they stream in; `PULSE_FULL_REFRESH` reads all.
"""

import hashlib
from collections.abc import Iterable
from pathlib import Path

import duckdb

from pipeline.settings.sources import SourceSettings

LOADED_TABLE = "pipeline_state.loaded_files"  # entity, signature, keyed_contacts: what the last load read
_VERSION = "1"  # changed whenever what a load writes for the same files changes


def files_signature(
    folder: Path, entity: str, files: Iterable[Path], options: SourceSettings, salt_file: Path
) -> str:
    """What an entity's load depends on: the folder, its files as found (name, size, mtime), the reading
    settings, the pseudonym salt in use (as a digest; never the salt), and the loader's version."""
    digest = hashlib.sha256(f"{_VERSION}|{folder.resolve()}|{entity}|{options!r}".encode())
    digest.update(hashlib.sha256((options.pseudonym_salt or "").encode()).digest())
    if salt_file.exists():
        stat = salt_file.stat()
        digest.update(f"|salt file {stat.st_size} {stat.st_mtime_ns}".encode())
    for path in files:
        stat = path.stat()
        digest.update(f"|{path.relative_to(folder)} {stat.st_size} {stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def previous_load(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], bool]:
    """(entity -> signature, whether that load keyed contacts) of the last load; empty before the first."""
    schema, table = LOADED_TABLE.split(".")
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()[0][0]
    if not exists:
        return {}, False
    rows = con.execute(f"select entity, signature, keyed_contacts from {LOADED_TABLE}").fetchall()
    return {entity: signature for entity, signature, _ in rows if signature}, any(k for *_, k in rows)


def record_load(
    con: duckdb.DuckDBPyConnection, signatures: dict[str, str | None], keyed_contacts: bool
) -> None:
    """Replace the record with this load's signatures (None: a source without files, never skipped)."""
    con.execute(f"create schema if not exists {LOADED_TABLE.split('.')[0]}").fetchall()
    con.execute(
        f"create or replace table {LOADED_TABLE} (entity varchar, signature varchar, keyed_contacts boolean)"
    ).fetchall()
    con.executemany(
        f"insert into {LOADED_TABLE} values (?, ?, ?)",
        [[entity, signature, keyed_contacts] for entity, signature in signatures.items()],
    )
