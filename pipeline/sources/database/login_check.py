"""One connection with the database's own driver before any query, so a wrong password, user, database name
or host fails at once, in one sentence.

connectorx connects through a pool that retries a refused login for 30 s before it reports it
(sfu-db/connector-x#710; r2d2's author advises opening one connection directly first). psycopg and PyMySQL
are the maintained drivers of PostgreSQL and MySQL/MariaDB, small, and the ones SQLAlchemy users already have.
"""

from pipeline.raw.errors import RawDataError
from pipeline.settings.database import DatabaseSettings
from pipeline.sources.database.reader import scrub

CONNECT_TIMEOUT_SECONDS = 10  # an unreachable host is reported after this, not after the pool's 30 s


def _connect_and_close(database: DatabaseSettings) -> None:
    if database.kind == "postgresql":
        import psycopg

        psycopg.connect(
            host=database.host,
            port=database.port,
            user=database.user,
            password=database.password,
            dbname=database.database,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
        ).close()
    else:
        import pymysql

        pymysql.connect(
            host=database.host,
            port=database.port,
            user=database.user,
            password=database.password or "",
            database=database.database,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
        ).close()


def check_login(database: DatabaseSettings) -> None:
    """Raise RawDataError naming the database (never the password) when one connection cannot be opened."""
    try:
        _connect_and_close(database)
    except ImportError as error:
        raise RawDataError(
            f"a shop database needs {error.name}: pip install 'customer-pulse[database]' "
            "(tasks.py installs it)"
        ) from None
    except Exception as error:  # each driver has its own errors (login, host, database name)
        text = str(error).strip()
        first = text.splitlines()[0] if text else type(error).__name__
        raise RawDataError(
            f"PULSE_SOURCE_DATABASE_URL: cannot connect to {database.label}: {scrub(first, database)}"
        ) from None
