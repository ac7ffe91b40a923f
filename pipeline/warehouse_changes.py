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
    rewrite costs no more, and nothing large is held in memory.

    The two sides are compared by key and a 64-bit hash of each whole row, so the join holds keys and
    hashes only: joining the wide rows of 10 M orders held 5.6 GB, over the run's 4 GB DuckDB limit (the
    published side is an Arrow scan). A changed row whose hash collides with its old row's (about one
    chance in 10^19 per row) would be missed; the next change to that row or a full refresh publishes it.
    """
    cursor = con.cursor()  # its own settings: timestamps compare in UTC, as they are published
    try:
        cursor.execute("set TimeZone = 'UTC'")
        cursor.register("published_rows", published)
        columns = cursor.sql(f"select * from {relation} limit 0")
        names, types = columns.columns, [str(kind) for kind in columns.types]
        if names != published.schema.names:
            return None  # a column added, dropped or moved: a full rewrite's job
        kinds = dict(zip(names, types, strict=True))
        # the published rows in the warehouse's types (UTC instants back to zone-less timestamps)
        as_warehouse = {name: f'cast("{name}" as {kind})' for name, kind in kinds.items()}
        keys = ", ".join(f'"{name}"' for name in key)
        published_keys = ", ".join(f'{as_warehouse[name]} as "{name}"' for name in key)
        matched = " and ".join(f'w."{name}" = p."{name}"' for name in key)
        warehouse_row = ", ".join(f'"{name}"' for name in names)
        published_row = ", ".join(as_warehouse.values())
        query = f"""
            with
                w as (select {keys}, hash({warehouse_row}) as row_hash from {relation}),
                p as (select {published_keys}, hash({published_row}) as row_hash from published_rows)
            select {", ".join(f'coalesce(w."{name}", p."{name}") as "{name}"' for name in key)},
                w."{key[0]}" is null as {DELETED}
            from w full outer join p on {matched}
            where w."{key[0]}" is null or p."{key[0]}" is null or w.row_hash != p.row_hash
        """
        reader = cursor.sql(query).to_arrow_reader(65_536)
        batches, rows = [], 0
        for batch in reader:
            rows += batch.num_rows
            if rows > max_rows:
                return None
            batches.append(batch)
        changed = pa.Table.from_batches(batches, schema=reader.schema)
        cursor.register("changed_keys", changed)
        on_changed = " and ".join(f'w."{name}" = c."{name}"' for name in key)
        key_only = ", ".join(
            f'"{name}"' if name in key else f'cast(null as {kind}) as "{name}"'
            for name, kind in kinds.items()
        )
        rows_query = f"""
            select w.*, false as {DELETED}
            from {relation} as w
            inner join (select * from changed_keys where not {DELETED}) as c on {on_changed}
            union all
            select {key_only}, true as {DELETED}
            from changed_keys
            where {DELETED}
        """
        deleted = int(pc.sum(changed.column(DELETED)).as_py() or 0) if rows else 0
        return RowChanges(cursor.sql(rows_query).to_arrow_table(), upserted=rows - deleted, deleted=deleted)
    finally:
        cursor.close()
