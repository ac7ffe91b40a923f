"""A query's result streamed as Arrow record batches with connectorx (PostgreSQL and MySQL/MariaDB alike).

Why connectorx (bench/bench_database_source.py, docs/shop-database.md): one library for both databases,
the fastest of the three measured on 1 M order rows, and its `arrow_stream` keeps memory flat however
large the table; ADBC has no MySQL driver on PyPI, and SQLAlchemy builds a Python object per value.
"""

from collections.abc import Iterator
from urllib.parse import quote

import pyarrow as pa

from pipeline.raw.errors import RawDataError
from pipeline.settings.database import DatabaseSettings

BATCH_ROWS = 100_000  # rows per record batch: memory stays bounded by a batch, not by the table


def _url(database: DatabaseSettings) -> str:
    """The connection URL connectorx takes; it holds the password, so it never leaves this module."""
    secret = f":{quote(database.password, safe='')}" if database.password else ""
    user, name = quote(database.user, safe=""), quote(database.database, safe="")
    return f"{database.kind}://{user}{secret}@{database.host}:{database.port}/{name}"


def scrub(text: str, database: DatabaseSettings) -> str:
    """A driver's message without the password, in plain or URL-encoded form."""
    for secret in (database.password, quote(database.password or "", safe="")):
        if secret:
            text = text.replace(secret, "***")
    return text


def query_batches(database: DatabaseSettings, sql: str, where: str) -> Iterator[pa.RecordBatch]:
    """An empty batch with the result's columns, then every batch of its rows; a failure is a
    RawDataError saying where, without secrets."""
    try:
        import connectorx  # imported here: only a database source needs it (the `database` extra)
    except ImportError:
        raise RawDataError(
            "a shop database needs connectorx: pip install 'customer-pulse[database]' (tasks.py installs it)"
        ) from None
    try:
        reader = connectorx.read_sql(_url(database), sql, return_type="arrow_stream", batch_size=BATCH_ROWS)
        # first an empty batch: its columns are checked even when the query returns no rows
        yield pa.RecordBatch.from_pylist([], schema=reader.schema)
        yield from reader
    except RawDataError:
        raise
    except Exception as error:  # the driver's own errors (connection, login, SQL) have no common base
        message = scrub(str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
                        database)  # fmt: skip
        raise RawDataError(f"{where}: the query failed on {database.label}: {message}") from None
