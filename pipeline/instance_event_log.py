"""Dagster's SQLite event log, with its connections kept open (the shipped dagster_home/dagster.yaml uses it).

Dagster's own SqliteEventLogStorage builds an engine, opens the file and closes it again for every event,
and commits with a full fsync. A run of this job writes about 1,700 events (dbt's tests are asset
checks, each planned and then evaluated): 513 "planned" events alone took 6.7-8.7 s before the run could
start. Kept engines (a few, least recently used first out) and `synchronous=NORMAL`, which SQLite
recommends with the write-ahead log Dagster already uses, bring that to 1.2-1.9 s. A crash of the machine
may lose the last events written; it cannot corrupt the file. Same files, same tables: an instance
switches back to Dagster's class by deleting the `event_log_storage` entry.
"""

import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import Connection, Engine, create_engine, event

KEPT_ENGINES = 4  # the index, and the shards of the last few runs a process wrote or read


def _fast_commits(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(connection, _record) -> None:
        connection.execute("pragma synchronous=NORMAL")


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """Without a `base_dir` it uses Dagster's default place in the instance's own folder (`history/runs`),
    known once the instance registers itself: `DagsterInstance.get()` and `.from_config(folder)` alike."""

    def __init__(self, base_dir: str | None = None, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()  # set first: the parent's init connects
        self._pending_inst_data = inst_data
        if base_dir is not None:
            super().__init__(base_dir, inst_data)

    @classmethod
    def config_type(cls):
        return {"base_dir": dg.Field(dg.StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(base_dir=config_value.get("base_dir"), inst_data=inst_data)

    def register_instance(self, instance) -> None:
        if not hasattr(self, "_base_dir"):
            base_dir = os.path.join(instance.root_directory, "history", "runs")
            super().__init__(base_dir, self._pending_inst_data)
        super().register_instance(instance)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engines.get(shard)
            if engine is None:
                engine = create_engine(
                    self.conn_string_for_shard(shard), connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
                )
                _fast_commits(engine)
                if shard not in self._initialized_dbs:
                    self._initdb(engine)
                    self._initialized_dbs.add(shard)
                self._engines[shard] = engine
                while len(self._engines) > KEPT_ENGINES:
                    self._engines.popitem(last=False)[1].dispose()
            self._engines.move_to_end(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _dispose_engines(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self._dispose_engines()  # wipe deletes the run shards' files: no connection may outlive them
        super().wipe()

    def dispose(self) -> None:
        self._dispose_engines()
        super().dispose()
