"""Load every contract entity into the warehouse's `raw` schema (empty tables for absent optional files)."""

import contextlib
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.raw.contract import ENTITIES, RawEntity
from pipeline.raw.errors import RawDataError
from pipeline.raw.files import entity_batches, find_entity_files, inspect_file, require_rows, text_schema
from pipeline.raw.unchanged_files import (
    file_signatures,
    plan_entity,
    previous_load,
    reading_signature,
    record_load,
)
from pipeline.settings.sources import SourceSettings
from pipeline.sources.customer_keys import CustomerKeys
from pipeline.sources.mapping.locate import locate_mapping
from pipeline.sources.mapping.read import MappedSource, read_mapped_source
from pipeline.sources.normalise import Normaliser
from pipeline.sources.presets.choose import choose_preset
from pipeline.sources.presets.read import REFUNDS_SOURCE, read_preset
from pipeline.sources.pseudonyms import Pseudonyms, salt_path
from pipeline.warehouse_lock import connect

RAW_SCHEMA = "raw"


class _Recording:
    """Iterates batches and keeps the RawDataError that stopped them, if any."""

    def __init__(self, batches: Iterator[pa.RecordBatch]) -> None:
        self._batches = batches
        self.error: RawDataError | None = None

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        try:
            yield from self._batches
        except RawDataError as error:
            self.error = error
            raise


@dataclass(frozen=True)
class _EntityInput:
    """What one entity is loaded from: file names for the summary, each file's delimiter, its batches."""

    files: list[str]
    delimiters: dict[str, str | None]
    batches: Callable[[], Iterator[pa.RecordBatch]]
    readings: dict[str, SourceSettings] = field(default_factory=dict)  # per file, when not the run's
    # how it is read and each file's signature (unchanged_files.py); None: always read whole
    read_signature: str | None = None
    file_signatures: dict[str, str] = field(default_factory=dict)
    batches_of: Callable[[list[str]], Iterator[pa.RecordBatch]] | None = None  # some files' rows only


EntityInput = _EntityInput  # what a source outside this module (a shop database) builds


def _contract_inputs(folder: Path, options: SourceSettings, salt_file: Path) -> dict[RawEntity, _EntityInput]:
    plan = {entity: find_entity_files(folder, entity) for entity in ENTITIES}
    for entity, files in plan.items():
        if entity.required and not files:
            raise RawDataError(
                f"{folder}: required file '{entity.name}' is missing (looked for {entity.name}.csv, "
                f"{entity.name}.csv.gz, {entity.name}.parquet or {entity.name}/, or a Shopify or "
                "WooCommerce orders export); any other export is read through a pulse_mapping.yml "
                "(docs/column-mapping.md)"
            )
    # inspect every file (encoding, delimiter, header, rows) before touching the warehouse, so a bad
    # file never leaves half a load; columns first, so a missing column is named before an empty file
    inspected = {entity: [inspect_file(path, entity) for path in files] for entity, files in plan.items()}
    for entity, files in inspected.items():
        require_rows(folder, entity, files)
    return {
        entity: _EntityInput(
            files=[str(f.path.relative_to(folder)) for f in files],
            delimiters={str(f.path.relative_to(folder)): f.delimiter for f in files},
            batches=lambda entity=entity, files=files: entity_batches(folder, files, entity),
            read_signature=reading_signature(folder, entity.name, options, salt_file),
            file_signatures=file_signatures(folder, plan[entity]),
            batches_of=lambda names, entity=entity, files=files: entity_batches(
                folder, [f for f in files if str(f.path.relative_to(folder)) in names], entity
            ),
        )
        for entity, files in inspected.items()
    }


def _preset_inputs(tables: dict[str, list[pa.Table]]) -> dict[RawEntity, _EntityInput]:
    inputs = {}
    for entity in ENTITIES:
        parts = tables.get(entity.name, [])
        names = list(dict.fromkeys(t.column("_source_file")[0].as_py() for t in parts if t.num_rows))
        inputs[entity] = _EntityInput(
            files=list(dict.fromkeys(name.removesuffix(REFUNDS_SOURCE) for name in names)),
            delimiters=dict.fromkeys(names, ","),  # exports from Shopify and WooCommerce use a decimal point
            batches=lambda parts=parts: (batch for t in parts for batch in t.to_batches()),
        )
    return inputs


def _mapped_inputs(
    source: MappedSource, folder: Path, mapping: Path, options: SourceSettings, salt_file: Path
) -> dict[RawEntity, _EntityInput]:
    # the mapping's bytes are part of how a table is read: an edited mapping reads every file again. Only
    # whole tables are kept (no appending new files): an order's lines may span the files of a mapped export
    mapping_digest = hashlib.sha256(mapping.read_bytes()).hexdigest()
    inputs = {}
    for entity in ENTITIES:
        if (table := source.tables.get(entity.name)) is None:
            inputs[entity] = _EntityInput(files=[], delimiters={}, batches=lambda: iter(()))
            continue
        reading = reading_signature(folder, entity.name, options, salt_file)
        inputs[entity] = _EntityInput(
            files=table.names,
            delimiters=table.delimiters,
            batches=table.batches,
            readings=dict.fromkeys(table.names, table.reading),
            read_signature=hashlib.sha256(
                f"{reading}|{mapping_digest}|{table.reading!r}".encode()
            ).hexdigest(),
            file_signatures=file_signatures(folder, [f.path for f in table.files]),
        )
    return inputs


def load_raw_folder(
    folder: Path, duckdb_path: Path, options: SourceSettings | None = None, reload: bool = False
) -> dict:
    """Replace `raw.<entity>` tables from the files in `folder`: the contract's files, a shop system's
    export read by its preset, or any export read through a column mapping. Returns per entity: rows and
    files; under `notes`, what the console should say about how the files were read. The contract's
    files that are exactly what the last load read are not read again (unchanged_files.py) unless `reload`."""
    folder = Path(folder)
    options = options or SourceSettings()
    pseudonyms = Pseudonyms(options.pseudonym_salt, Path(duckdb_path))
    normaliser = Normaliser(options, keys=CustomerKeys(pseudonyms))
    if not folder.is_dir():
        raise RawDataError(f"{folder}: raw data folder does not exist (set PULSE_RAW_PATH)")
    # a column mapping is the shop's explicit word: it wins over recognising a preset or the contract's files
    mapped = None
    if (located := locate_mapping(folder, options)) is not None:
        mapped = read_mapped_source(folder, located, options)
        normaliser.notes.append(mapped.line)
        normaliser.verdict.labels = mapped.labels
        normaliser.verdict.timestamp_setting = f"timestamp_format in {located.path.name}"
        inputs = _mapped_inputs(mapped, folder, located.path, options, salt_path(Path(duckdb_path)))
    elif (chosen := choose_preset(folder, options.source_format)) is not None:
        tables, line = read_preset(folder, chosen)
        normaliser.notes.append(line)
        normaliser.verdict.labels, normaliser.verdict.unit = dict(chosen.preset.LABELS), "orders"
        inputs = _preset_inputs(tables)
    else:
        inputs = _contract_inputs(folder, options, salt_path(Path(duckdb_path)))
    summary = load_inputs(inputs, duckdb_path, normaliser, pseudonyms, reload)
    if mapped is not None:
        summary["notes"] += mapped.grouping_notes()
    return summary


def load_inputs(
    inputs: dict[RawEntity, EntityInput],
    duckdb_path: Path,
    normaliser: Normaliser,
    pseudonyms: Pseudonyms,
    reload: bool = True,
) -> dict:
    """The one load of every source (files, a preset's export, a shop database) into `raw.*`."""
    duckdb_path = Path(duckdb_path)
    duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    # one short-lived read-write connection: dbt opens the file only after this returns
    with connect(duckdb_path) as con:
        # one transaction: a file found wrong while it streams in leaves the previous raw tables as they were
        con.begin()
        try:
            summary = _load_entities(con, inputs, normaliser, reload)
        except BaseException:
            con.rollback()
            raise
        con.commit()
    summary["notes"] = normaliser.notes + pseudonyms.notes
    if normaliser.keys.keyed:
        summary["notes"].append(
            f"{len(normaliser.keys.keyed):,} customer keys were e-mails or phones: pseudonymised "
            "(HMAC-SHA-256), the plain values kept only as contacts in raw.customers"
        )
    return summary


def _plans(con, inputs: dict[RawEntity, _EntityInput], reload: bool) -> dict[str, str | list[str]]:
    """Per entity: 'keep', the new files to append, or 'read' (unchanged_files.py)."""
    previous, keyed_contacts = previous_load(con)
    if reload or keyed_contacts:  # contacts are gathered from every entity's rows: read them all again
        return {entity.name: "read" for entity in inputs}
    tables = {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = ?", [RAW_SCHEMA]
        ).fetchall()
    }
    return {
        entity.name: (
            plan_entity(previous.get(entity.name), source.read_signature, source.file_signatures)
            if source.read_signature is not None and entity.name in tables
            else "read"
        )
        for entity, source in inputs.items()
    }


def _load_entities(con, inputs: dict[RawEntity, _EntityInput], normaliser: Normaliser, reload: bool) -> dict:
    summary: dict = {}
    con.execute(f"create schema if not exists {RAW_SCHEMA}").fetchall()
    plans = _plans(con, inputs, reload)
    for entity, source in inputs.items():
        plan = plans[entity.name]
        summary[entity.name] = {"rows": 0, "files": source.files}
        if plan == "keep":
            summary[entity.name]["unchanged"] = True
            continue
        appended = isinstance(plan, list) and source.batches_of is not None
        rows = source.batches_of(plan) if appended else source.batches()
        batches = _Recording(normaliser.batches(entity.name, rows, source.delimiters, source.readings))
        reader = pa.RecordBatchReader.from_batches(text_schema(entity), batches)
        con.register("incoming", reader)
        try:
            if appended:  # only new files: the earlier ones' rows are already in the table
                con.execute(f"insert into {RAW_SCHEMA}.{entity.name} select * from incoming").fetchall()
                summary[entity.name]["appended"] = plan
            else:
                con.execute(
                    f"create or replace table {RAW_SCHEMA}.{entity.name} as select * from incoming"
                ).fetchall()
        except duckdb.Error:
            # DuckDB wraps errors raised while it reads the stream; re-raise ours, which names the file
            if batches.error is not None:
                raise batches.error from None
            raise
        finally:
            # after a failed read the transaction is aborted and refuses even this; it is rolled back anyway
            with contextlib.suppress(duckdb.TransactionException):
                con.unregister("incoming")
        if entity.name == "orders":
            normaliser.verdict.check()  # a wrong orders file stops here, before dbt, in one sentence
    _add_contacts(con, normaliser.keys)
    record_load(
        con,
        {entity.name: (source.read_signature, source.file_signatures) for entity, source in inputs.items()},
        bool(normaliser.keys.keyed),
    )
    if kept := sorted(name for name, plan in plans.items() if plan == "keep"):
        normaliser.notes.append(
            f"Not read again, the same files as the last load: {', '.join(kept)} "
            "(--full-refresh reads every file)"
        )
    for name, loaded in summary.items():
        if appended := loaded.get("appended"):
            normaliser.notes.append(f"{name}: only the new file(s) read and added: {', '.join(appended)}")
    for name, loaded in summary.items():
        loaded["rows"] = con.execute(f"select count(*) from {RAW_SCHEMA}.{name}").fetchall()[0][0]
    return summary


def _add_contacts(con, keys: CustomerKeys) -> None:
    """Customers keyed by e-mail or phone in orders or events but absent from raw.customers get a row there,
    holding the plain contact: audiences reach them, hashed, and no other table holds the value."""
    if not keys.contacts:
        return
    con.register("contacts", keys.contact_table())
    try:
        con.execute(
            f"insert into {RAW_SCHEMA}.customers select * from contacts where customer_id not in "
            f"(select customer_id from {RAW_SCHEMA}.customers where customer_id is not null)"
        ).fetchall()
    finally:
        con.unregister("contacts")
