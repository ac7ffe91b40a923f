"""Load a shop database into `raw.*`: each contract table's query streamed in batches through the same
normalising, pseudonymising and one-transaction load as the files, so the rest sees only the contract."""

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from pipeline.raw.contract import ENTITIES, RawEntity
from pipeline.raw.errors import RawDataError
from pipeline.raw.load import EntityInput, load_inputs
from pipeline.settings.database import DatabaseSettings
from pipeline.settings.sources import SourceSettings
from pipeline.sources.customer_keys import CustomerKeys
from pipeline.sources.database.arrow_text import column_map, contract_batch
from pipeline.sources.database.login_check import check_login
from pipeline.sources.database.queries import read_queries
from pipeline.sources.database.reader import query_batches
from pipeline.sources.normalise import Normaliser
from pipeline.sources.pseudonyms import Pseudonyms


def _entity_batches(
    database: DatabaseSettings, entity: RawEntity, sql: str | None, source: str
) -> Iterator[pa.RecordBatch]:
    if sql is None:
        return  # no query for this table: an empty table, as for an absent optional file
    where = f"{database.queries_path.name}, query '{entity.name}'"
    columns, row = None, 1
    for batch in query_batches(database, sql, where):
        if columns is None:
            columns = column_map(entity, batch.schema.names, where)
        if batch.num_rows:
            try:
                yield contract_batch(batch, entity, columns, source, row)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
                raise RawDataError(
                    f"{where}: a value cannot be read as text after row {row - 1:,} ({error})"
                ) from None
            row += batch.num_rows
    if entity.required and row == 1:
        raise RawDataError(f"{where}: returned no rows; {entity.name} is required")


def load_raw_database(
    database: DatabaseSettings, duckdb_path: Path, options: SourceSettings | None = None
) -> dict:
    """Replace `raw.<entity>` tables from the queries in PULSE_SOURCE_QUERIES; as load_raw_folder returns."""
    options = options or SourceSettings()
    queries = read_queries(database.queries_path)
    check_login(database)
    inputs = {}
    for entity in ENTITIES:
        sql = queries.get(entity.name)
        source = f"{database.queries_path.name}: {entity.name}"  # the lineage of its rows (source_file)
        inputs[entity] = EntityInput(
            files=[source] if sql else [],
            delimiters={source: ","},  # a database sends numbers with a decimal point
            batches=lambda e=entity, q=sql, s=source: _entity_batches(database, e, q, s),
        )
    pseudonyms = Pseudonyms(options.pseudonym_salt, Path(duckdb_path))
    normaliser = Normaliser(options, keys=CustomerKeys(pseudonyms))
    normaliser.notes.append(
        f"Shop database {database.label} (PULSE_SOURCE_DATABASE_URL): {len(queries)} queries from "
        f"{database.queries_path.name} ({', '.join(queries)}), read in batches"
    )
    return load_inputs(inputs, duckdb_path, normaliser, pseudonyms)
