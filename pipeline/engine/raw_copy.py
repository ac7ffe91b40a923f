"""raw.* on Spark: the sources layer loads the shop's files into its DuckDB file as on any run (its per-file
bookkeeping, the one transaction a wrong file rolls back, the contacts it adds), then each raw table is
copied to Spark as Arrow before dbt reads it there.

A table whose files are what the last copy was made from is not copied again: each copy is stamped with the
load's signature of those files (`unchanged_files`, a table property), so a scheduled run that finds the
same web events as six hours ago does not move them into Spark a second time."""

import hashlib

import duckdb

from pipeline.engine import spark
from pipeline.engine.duckdb_tables import existing_relations, read_only, table_reader
from pipeline.engine.spark_warehouse import SparkWarehouse
from pipeline.raw.unchanged_files import LOADED_TABLE
from pipeline.settings import PulseSettings

RAW_SCHEMA = "raw"
SIGNATURE_PROPERTY = "pulse.loaded_files"


def copy_raw_tables(settings: PulseSettings) -> dict[str, int | None]:
    """`raw.<table>` -> rows copied, or None where Spark's copy was made from the same files, for every raw
    table now in Spark."""
    warehouse = SparkWarehouse(settings)
    copied: dict[str, int | None] = {}
    with read_only(settings.duckdb_path) as con:
        signatures = {} if settings.full_refresh else loaded_signatures(con)
        for relation in sorted(r for r in existing_relations(con) if r.startswith(f"{RAW_SCHEMA}.")):
            signature = signatures.get(relation.removeprefix(f"{RAW_SCHEMA}."))
            stamp = spark.table_property(warehouse.session, relation, SIGNATURE_PROPERTY)
            if signature is not None and stamp == signature:
                copied[relation] = None
                continue
            copied[relation] = warehouse.replace_table(relation, table_reader(con, relation))
            # stamped after the copy: a copy killed half-way has no stamp and is made again
            if signature is not None:
                spark.set_table_property(warehouse.session, relation, SIGNATURE_PROPERTY, signature)
    return copied


def loaded_signatures(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Entity -> a digest of the files its raw table was loaded from and how (unchanged_files' record), for
    entities read from files (a preset, a mapping or a database is read whole every run: no digest). When
    the load keyed contacts, raw.customers gains rows from every entity: each digest covers every file."""
    if LOADED_TABLE not in existing_relations(con):
        return {}
    rows = con.execute(
        f"select entity, reading, file, signature, keyed_contacts from {LOADED_TABLE}"
    ).fetchall()
    from_files = sorted(row for row in rows if row[1] is not None)
    if any(row[-1] for row in rows):
        if len(from_files) < len(rows):
            return {}
        everything = hashlib.sha256(repr(from_files).encode()).hexdigest()
        return {entity: everything for entity, *_ in from_files}
    by_entity: dict[str, list[tuple]] = {}
    for row in from_files:
        by_entity.setdefault(row[0], []).append(row)
    return {entity: hashlib.sha256(repr(found).encode()).hexdigest() for entity, found in by_entity.items()}
