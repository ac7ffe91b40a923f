"""Which rows of a warehouse table differ from the version already published, by key: the input of a
MERGE (pipeline/storage/delta_merge.py). Computed by DuckDB over the published Delta files, read as an Arrow
dataset, so the comparison is with what readers see, not with a record of it that could fall out of step."""

from collections.abc import Sequence

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads

from pipeline.storage.delta_merge import DELETED, RowChanges


def changed_rows(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    key: Sequence[str],
    published: pads.Dataset,
    max_rows: int,
) -> RowChanges | None:
    """The rows of `relation` that are new or differ from `published` (matched on `key`), and the keys
    `published` has that `relation` no longer does. None when more than `max_rows` changed: then a full
    rewrite costs no more, and nothing large is held in memory."""
    cursor = con.cursor()  # its own settings: timestamps compare in UTC, as they are published
    try:
        cursor.execute("set TimeZone = 'UTC'")
        cursor.register("published_rows", published)
        columns = cursor.sql(f"select * from {relation} limit 0")
        names, types = columns.columns, [str(kind) for kind in columns.types]
        if names != published.schema.names:
            return None  # a column added, dropped or moved: a full rewrite's job
        quoted = [f'"{name}"' for name in names]
        # the published rows in the warehouse's types (UTC instants back to zone-less timestamps)
        as_warehouse = ", ".join(
            f"cast({column} as {kind}) as {column}" for column, kind in zip(quoted, types, strict=True)
        )
        matched = " and ".join(f'w."{name}" = p."{name}"' for name in key)
        key_only = ", ".join(
            f'p."{name}"' if name in key else f'cast(null as {kind}) as "{name}"'
            for name, kind in zip(names, types, strict=True)
        )
        query = f"""
            with
                w as (select * from {relation}),
                p as (select {as_warehouse} from published_rows)
            select w.*, false as {DELETED}
            from w left join p on {matched}
            where p."{key[0]}" is null or w is distinct from p
            union all
            select {key_only}, true as {DELETED}
            from p
            where not exists (select 1 from w where {matched})
        """
        reader = cursor.sql(query).to_arrow_reader(65_536)
        batches, rows = [], 0
        for batch in reader:
            rows += batch.num_rows
            if rows > max_rows:
                return None
            batches.append(batch)
        table = pa.Table.from_batches(batches, schema=reader.schema)
        deleted = int(pc.sum(table.column(DELETED)).as_py() or 0) if rows else 0
        return RowChanges(table, upserted=rows - deleted, deleted=deleted)
    finally:
        cursor.close()
