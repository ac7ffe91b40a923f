"""Whether a run's inputs are the ones the published tables were made from: then the run rebuilds nothing.

A scheduled run four times a day over a shop that exports once a day finds the same raw rows three times
out of four; rebuilding would cost a 10 M-order shop five minutes each time for tables equal to the
published ones. The inputs signature covers everything the tables are computed from: the raw tables'
content (whichever way they were read: files, a mapped export, a preset or a database), the settings and
the code (this project's Python and dbt files, and the versions of the libraries that compute). The first
dbt step compares it with the signature the published manifest records (pipeline/defs/dbt/assets.py); when
they are equal it builds nothing, and Dagster skips every step after it.

Two inputs are not in the signature, so they are checked apart: the wall clock, which decides as_of when a
shop has no valid order and which lets a future-dated order in once its time comes; and the warehouse itself,
which must still hold the tables that were published (a deleted warehouse file is rebuilt).
"""

import dataclasses
import hashlib
import json
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from pathlib import Path

import dagster as dg

from pipeline.engine.duckdb_tables import content_fingerprint, read_only
from pipeline.engine.protocol import WarehouseReader
from pipeline.raw.contract import ENTITIES
from pipeline.settings import REPO_ROOT, PulseSettings
from pipeline.storage import read_manifest

# the run tag the first dbt step records the signature in; publishing copies it into the manifest
SIGNATURE_TAG = "customer_pulse/inputs_signature"
# what computes the tables: a change to any of these files, or a new version of these libraries, rebuilds
_CODE = (
    "pipeline",
    "models_ml",
    "targeting",
    "dbt_project/models",
    "dbt_project/macros",
    "dbt_project/seeds",
)
_CODE_SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".csv"}
_CODE_FILES = ("dbt_project/dbt_project.yml", "dbt_project/profiles.yml")
_LIBRARIES = ("duckdb", "dbt-core", "dbt-duckdb", "xgboost", "scikit-learn", "pymc-marketing", "deltalake")
# the rejection of an order dated after the wall clock: a later run may take it in unchanged
FUTURE_ORDER_REASON = "future_timestamp"


@cache
def code_fingerprint(root: Path = REPO_ROOT) -> str:
    """A hash of the project's code and the versions of the libraries that compute its tables."""
    digest = hashlib.sha256()
    files = [root / name for name in _CODE_FILES]
    for folder in _CODE:
        files += sorted(path for path in (root / folder).rglob("*") if path.suffix in _CODE_SUFFIXES)
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    for library in _LIBRARIES:
        try:
            digest.update(f"{library}=={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library} absent".encode())
    return digest.hexdigest()


def settings_fingerprint(settings: PulseSettings) -> str:
    """A hash of every setting but the full-refresh flag (a full refresh rebuilds the same tables), and of
    the content of every file a setting names but the warehouse (the audiences file above all: an edited
    audience must be built). Secrets such as a database URL are inside the hash, never in what is stored
    or logged."""
    values = dataclasses.asdict(dataclasses.replace(settings, full_refresh=False))
    values["duckdb_path"] = str(settings.duckdb_path)  # the warehouse itself: a file every run rewrites
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=_with_content).encode()).hexdigest()


def _with_content(value: object) -> str:
    if isinstance(value, Path) and value.is_file():
        return f"{value}#{hashlib.sha256(value.read_bytes()).hexdigest()}"
    return str(value)


def inputs_signature(settings: PulseSettings) -> str:
    """The signature of this run's inputs, after the raw load. The raw tables are read where the loader
    wrote them, the DuckDB file (on Spark too: raw files are staged there): one scan of each, about 2 s for
    10 M orders."""
    digest = hashlib.sha256(f"{code_fingerprint()}|{settings_fingerprint(settings)}".encode())
    with read_only(settings.duckdb_path) as con:
        raw_tables = con.sql("select table_name from duckdb_tables() where schema_name = 'raw'").fetchall()
        present = {name for (name,) in raw_tables}
        for entity in ENTITIES:
            found = content_fingerprint(con, f"raw.{entity.name}") if entity.name in present else "absent"
            digest.update(f"|{entity.name}:{found}".encode())
    return digest.hexdigest()[:32]


def unchanged_since(
    instance: dg.DagsterInstance,
    settings: PulseSettings,
    signature: str,
    reader: WarehouseReader,
    warehouse_tables: list[str],
    classified_orders: str,
) -> dict | None:
    """The published manifest, when these inputs made it and rebuilding would change nothing; else None.

    `warehouse_tables`: the relations the published tables are read from; `classified_orders`: the
    relation of every order row with its rejection reason and parsed time (int_orders_classified)."""
    if settings.full_refresh:
        return None
    manifest = read_manifest(settings)
    if manifest is None or manifest.get("inputs_signature") != signature:
        return None
    if manifest.get("as_of_source") == "wall_clock":
        return None  # as_of is the wall clock's, which has moved
    publisher = instance.get_run_by_id(manifest["run_id"])
    if publisher is None or publisher.status != dg.DagsterRunStatus.SUCCESS:
        return None  # that run failed after publishing (its exports or ledger), or another instance ran it
    if not set(warehouse_tables) <= reader.relations():
        return None
    # an order rejected as dated after the wall clock is taken in once its time has come (the `now` dbt
    # var, when set, stands for the wall clock as it does in the models)
    now = settings.dbt_vars.get("now") or datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    come_due = (
        f"select count(*) from {classified_orders} "
        "where rejection_reason = $reason and ordered_at <= cast($now as timestamp)"
    )
    [(due,)] = reader.rows(come_due, {"reason": FUTURE_ORDER_REASON, "now": str(now)})
    return None if due else manifest
