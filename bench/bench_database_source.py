"""Which library reads a shop database best: time and peak memory to stream N order rows as Arrow batches
of text (what the raw loader takes) from a real local PostgreSQL and MariaDB.

Run by hand (not in CI), as root or a user who can run Debian's postgresql and mariadb-server:
    nice -n 10 .venv/bin/python bench/bench_database_source.py --rows 1000000
The candidates need installing first (only the chosen one is a dependency):
    .venv/bin/pip install adbc-driver-postgresql connectorx 'psycopg[binary]' pymysql

Each reading runs in a fresh process (its own peak resident memory, ru_maxrss) that imports pyarrow
first; `baseline` is that process reading nothing. Every reading consumes all rows in batches of
--batch rows and casts each column to text, as pipeline.sources.database does.
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.db_servers import MariaDBServer, PostgresServer  # noqa: E402

QUERY = (
    "select order_id, customer_id, ordered_at, amount, status, currency, channel, campaign_id "
    "from bench_orders"
)
POSTGRES_TABLE = """
create table bench_orders as
select 'o' || i as order_id, 'c' || (i % 50000) as customer_id,
       timestamptz '2023-01-01 00:00:00+00' + (i || ' minutes')::interval as ordered_at,
       round((i % 9973) / 7.0, 2)::numeric(12, 2) as amount,
       case when i % 20 = 0 then 'refunded' else 'completed' end as status, 'EUR' as currency,
       case when i % 3 = 0 then 'web' else 'app' end as channel, 'cmp' || (i % 40) as campaign_id
from generate_series(1, {rows}) as i;
"""
MARIADB_TABLE = """
create table bench_orders as
select concat('o', seq) as order_id, concat('c', seq % 50000) as customer_id,
       timestamp '2023-01-01 00:00:00' + interval seq minute as ordered_at,
       cast(round((seq % 9973) / 7.0, 2) as decimal(12, 2)) as amount,
       if(seq % 20 = 0, 'refunded', 'completed') as status, 'EUR' as currency,
       if(seq % 3 = 0, 'web', 'app') as channel, concat('cmp', seq % 40) as campaign_id
from seq_1_to_{rows};
"""

# each reader: (url, password, batch rows) -> iterator of pyarrow RecordBatches or lists of row tuples
READERS = """
import pyarrow as pa, pyarrow.compute as pc
from urllib.parse import quote

def with_password(url, password):
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{rest.replace('@', ':' + quote(password, safe='') + '@', 1)}"

def baseline(url, password, batch, query):
    return iter(())

def adbc(url, password, batch, query):
    import adbc_driver_postgresql.dbapi as dbapi
    with dbapi.connect(with_password(url, password)) as conn, conn.cursor() as cur:
        cur.adbc_statement.set_options(**{"adbc.postgresql.batch_size_hint_bytes": str(16 << 20)})
        cur.execute(query)
        yield from cur.fetch_record_batch()

def connectorx_stream(url, password, batch, query):
    import connectorx as cx
    yield from cx.read_sql(with_password(url, password), query, return_type="arrow_stream", batch_size=batch)

def connectorx_table(url, password, batch, query):
    import connectorx as cx
    yield from cx.read_sql(with_password(url, password), query, return_type="arrow").to_batches(batch)

def sqlalchemy(url, password, batch, query):
    import sqlalchemy as sa
    driver = {"postgresql": "postgresql+psycopg", "mysql": "mysql+pymysql"}[url.split(":", 1)[0]]
    engine = sa.create_engine(sa.make_url(url).set(drivername=driver, password=password))
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=batch).execute(sa.text(query))
        names = list(result.keys())
        for rows in result.partitions():
            columns = list(zip(*rows))
            yield pa.RecordBatch.from_arrays(
                [pa.array([None if v is None else str(v) for v in c], pa.string()) for c in columns], names
            )
    engine.dispose()

def consume(batches):
    rows = 0
    for b in batches:
        for column in b.columns:
            column.cast(pa.string())  # what the loader does with a typed column
        rows += b.num_rows
    return rows
"""

CHILD = """
import json, resource, sys, time
exec(sys.argv[1])
name, url, password, batch, query = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
started = time.perf_counter()
rows = consume(globals()[name](url, password, batch, query))
took = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": rows, "seconds": took, "peak_mb": peak}))
"""


def measure(name: str, server, batch: int) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, READERS, name, server.url, server.password, str(batch), QUERY],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1][:200]}
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2, help="the best of N runs per reader")
    args = parser.parse_args()
    servers = [
        (PostgresServer("bench-password"), POSTGRES_TABLE, ["baseline", "adbc", "connectorx_stream",
                                                           "connectorx_table", "sqlalchemy"]),
        (MariaDBServer("bench-password"), MARIADB_TABLE, ["baseline", "connectorx_stream",
                                                          "connectorx_table", "sqlalchemy"]),
    ]  # fmt: skip
    try:
        for server, table, readers in servers:
            started = time.perf_counter()
            server.sql(table.format(rows=args.rows))
            print(f"{server.kind}: {args.rows:,} rows written in {time.perf_counter() - started:.1f} s")
            for name in readers:
                runs = [measure(name, server, args.batch) for _ in range(args.repeat)]
                ok = [r for r in runs if "error" not in r]
                if not ok:
                    print(f"  {name:18} failed: {runs[0]['error']}")
                    continue
                best = min(ok, key=lambda r: r["seconds"])
                print(
                    f"  {name:18} {best['rows']:>10,} rows  {best['seconds']:6.2f} s  "
                    f"peak {max(r['peak_mb'] for r in ok):6.0f} MB"
                )
    finally:
        for server, _, _ in servers:
            server.stop()
    print(f"(peak memory is the process's ru_maxrss; python {sys.version.split()[0]}, "
          f"resource page size {resource.getpagesize()})")  # fmt: skip


if __name__ == "__main__":
    main()
