"""raw.* on an engine other than DuckDB: the sources layer loads the shop's files into its DuckDB file as
on any run (its per-file bookkeeping, the one transaction a wrong file rolls back, the contacts it adds),
then every raw table is copied to the engine as Arrow before dbt reads it there."""

from pipeline.engine import open_warehouse
from pipeline.engine.duckdb_tables import existing_relations, read_only, table_reader
from pipeline.settings import PulseSettings

RAW_SCHEMA = "raw"


def copy_raw_tables(settings: PulseSettings) -> dict[str, int]:
    """`raw.<table>` -> rows, for every raw table now in the engine."""
    warehouse = open_warehouse(settings)
    with read_only(settings.duckdb_path) as con:
        relations = sorted(r for r in existing_relations(con) if r.startswith(f"{RAW_SCHEMA}."))
        return {
            relation: warehouse.replace_table(relation, table_reader(con, relation)) for relation in relations
        }
