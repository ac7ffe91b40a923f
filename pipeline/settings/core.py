"""The settings object: every PULSE_* value, read once from the environment when a run starts."""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline.settings.database import DatabaseSettings
from pipeline.settings.environment import EnvReader, SettingsError
from pipeline.settings.predictions import PredictionSettings
from pipeline.settings.sources import SourceSettings
from pipeline.settings.targeting import TargetingSettings

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
LOCAL_STATE = REPO_ROOT / ".pulse"
DEFAULT_RAW_PATH = LOCAL_STATE / "demo_raw"
DEFAULT_PUBLISH_URI = str(LOCAL_STATE / "published")
DEFAULT_DUCKDB_PATH = LOCAL_STATE / "warehouse.duckdb"
DEFAULT_SPARK_WAREHOUSE = LOCAL_STATE / "spark"
# the engines the dbt project builds on, each with the dbt target it uses unless PULSE_DBT_TARGET says
ENGINE_DBT_TARGETS = {"duckdb": "local", "spark": "spark"}

# dbt vars that have their own PULSE_* setting; PULSE_DBT_VARS may not set them behind its back
OWN_SETTING_VARS = {
    "as_of": "PULSE_AS_OF",
    "reporting_currency": "PULSE_REPORTING_CURRENCY",
    "duckdb_path": "PULSE_DUCKDB_PATH",
    "duckdb_memory_limit": "PULSE_DUCKDB_MEMORY_LIMIT",
    "spark_warehouse": "PULSE_SPARK_WAREHOUSE",
    "spark_driver_memory": "PULSE_SPARK_DRIVER_MEMORY",
    "spark_shuffle_partitions": "PULSE_SPARK_SHUFFLE_PARTITIONS",
    **{var: f"PULSE_{var.upper()}" for var in PredictionSettings().dbt_vars()},
}
# what DuckDB's memory_limit accepts: 8GB, 8 GiB, 512MB, 80% (of the machine's memory)
_MEMORY = re.compile(r"^\d+(\.\d+)?\s*(%|[KMGT]I?B?|B|BYTES)$", re.IGNORECASE)


@dataclass(frozen=True)
class PulseSettings:
    raw_path: str = str(DEFAULT_RAW_PATH)
    # generate the demo shop into raw_path before loading it (see demo_mode for the rule)
    demo: bool = True
    as_of: str | None = None
    reporting_currency: str = "EUR"
    publish_uri: str = DEFAULT_PUBLISH_URI
    duckdb_path: Path = DEFAULT_DUCKDB_PATH
    # DuckDB spills to disk beyond this. 4GB keeps the 1 M-customer demo's run under 6 GB (5.3 GB; 6.2 GB
    # at 5GB), and its dbt build was no slower (229 s; 232 s at 5GB)
    duckdb_memory_limit: str = "4GB"
    # the engine dbt builds on: duckdb, or spark (the `[spark]` extra; docs/spark.md)
    engine: str = "duckdb"
    # a local Spark session's tables and catalog; its driver memory and shuffle partitions (a cluster
    # target ignores these three: its own configuration rules)
    spark_warehouse: Path = DEFAULT_SPARK_WAREHOUSE
    spark_driver_memory: str = "4g"
    spark_shuffle_partitions: int = 8
    # where the run's Spark session runs: local threads, or a cluster with this process as its driver
    # (client mode, e.g. k8s://https://kubernetes.default.svc); PULSE_SPARK_CONF: a spark-defaults.conf
    # style file whose settings (metastore, s3a, Delta, executors) override the local defaults
    spark_master: str = "local[*]"
    spark_conf: Path | None = None
    s3_endpoint_url: str | None = None
    demo_customers: int = 2000
    demo_seed: int = 42
    dbt_target: str = "local"
    dbt_vars: Mapping[str, object] = field(default_factory=dict)
    schedule_timezone: str = "UTC"
    s3_region: str | None = None
    # server-side encryption of every object published to S3: AES256 (SSE-S3), aws:kms, or none
    s3_sse: str = "AES256"
    s3_kms_key_id: str | None = None
    publish_retention_days: int = 7
    # a keyed published table of at least this many rows is merged (Delta MERGE) when few rows changed;
    # 0: never
    publish_merge_min_rows: int = 1_000_000
    # the order volume check: largest accepted drop in clean orders against the last publish, and the
    # override for a deliberate reset
    max_order_drop: float = 0.5
    allow_order_drop: bool = False
    # rebuild every dbt model and write a new Delta version of every published table, changed or not
    full_refresh: bool = False
    predictions: PredictionSettings = field(default_factory=PredictionSettings)
    targeting: TargetingSettings = field(default_factory=TargetingSettings)
    sources: SourceSettings = field(default_factory=SourceSettings)
    # a shop database read by queries instead of files (PULSE_SOURCE_DATABASE_URL, PULSE_SOURCE_QUERIES)
    source_database: DatabaseSettings | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "PulseSettings":
        env = EnvReader(environ)
        get, as_bool, as_share = env.text, env.flag, env.share

        def as_int(name: str, default: int) -> int:
            return env.whole(name, default)

        dbt_vars: dict[str, object] = {}
        if raw_vars := get("PULSE_DBT_VARS"):
            try:
                dbt_vars = json.loads(raw_vars)
            except json.JSONDecodeError as error:
                raise SettingsError(f"PULSE_DBT_VARS is not valid JSON ({error})") from error
            if not isinstance(dbt_vars, dict):
                raise SettingsError("PULSE_DBT_VARS must be a JSON object, e.g. '{\"rfm_window_days\": 180}'")
            for var, own in OWN_SETTING_VARS.items():
                if var in dbt_vars:
                    raise SettingsError(f"PULSE_DBT_VARS sets {var!r}: use {own} instead")

        as_of = get("PULSE_AS_OF")
        if as_of is not None:
            try:
                datetime.fromisoformat(as_of)
            except ValueError as error:
                raise SettingsError(
                    f"PULSE_AS_OF={as_of!r} is not an ISO 8601 date or timestamp (e.g. 2025-06-30)"
                ) from error

        reporting_currency = (get("PULSE_REPORTING_CURRENCY") or cls.reporting_currency).upper()
        if not re.fullmatch(r"[A-Z]{3}", reporting_currency):
            raise SettingsError(
                f"PULSE_REPORTING_CURRENCY={get('PULSE_REPORTING_CURRENCY')!r} is not a 3-letter ISO 4217 "
                "currency code (e.g. EUR)"
            )

        memory_limit = get("PULSE_DUCKDB_MEMORY_LIMIT") or cls.duckdb_memory_limit
        if not _MEMORY.match(memory_limit):
            raise SettingsError(
                f"PULSE_DUCKDB_MEMORY_LIMIT={memory_limit!r} is not an amount of memory "
                "(e.g. 8GB, 512MB, 80%)"
            )

        engine = (get("PULSE_ENGINE") or cls.engine).lower()
        if engine not in ENGINE_DBT_TARGETS:
            raise SettingsError(f"PULSE_ENGINE={engine!r} is not one of {', '.join(ENGINE_DBT_TARGETS)}")
        driver_memory = get("PULSE_SPARK_DRIVER_MEMORY") or cls.spark_driver_memory
        if not re.fullmatch(r"\d+[kmgt]", driver_memory.lower()):
            raise SettingsError(
                f"PULSE_SPARK_DRIVER_MEMORY={driver_memory!r} is not a JVM amount of memory (e.g. 4g, 512m)"
            )

        spark_conf = get("PULSE_SPARK_CONF")
        if spark_conf and not Path(spark_conf).expanduser().is_file():
            raise SettingsError(
                f"PULSE_SPARK_CONF={spark_conf!r} is not a file (Spark settings, one per line)"
            )

        database = DatabaseSettings.from_env(env)
        demo, raw_path = demo_mode(as_bool("PULSE_DEMO"), get("PULSE_RAW_PATH"), database)
        duckdb_path = Path(get("PULSE_DUCKDB_PATH") or DEFAULT_DUCKDB_PATH).expanduser().resolve()
        spark_warehouse = Path(get("PULSE_SPARK_WAREHOUSE") or DEFAULT_SPARK_WAREHOUSE).expanduser().resolve()
        publish_uri = get("PULSE_PUBLISH_URI") or DEFAULT_PUBLISH_URI
        if database is None and not raw_path.startswith("s3://"):
            raw_path = str(Path(raw_path).expanduser().resolve())
        if not publish_uri.startswith("s3://"):
            publish_uri = str(Path(publish_uri).expanduser().resolve())
        s3_sse = get("PULSE_S3_SSE") or cls.s3_sse
        s3_sse = s3_sse.upper() if s3_sse.upper() == "AES256" else s3_sse.lower()
        if s3_sse not in ("AES256", "aws:kms", "none"):
            raise SettingsError(f"PULSE_S3_SSE={s3_sse!r} is not AES256, aws:kms or none")
        kms_key_id = get("PULSE_S3_KMS_KEY_ID")
        if kms_key_id and s3_sse != "aws:kms":
            raise SettingsError(f"PULSE_S3_KMS_KEY_ID is set but PULSE_S3_SSE={s3_sse!r}: set it to aws:kms")
        retention_days = as_int("PULSE_PUBLISH_RETENTION_DAYS", cls.publish_retention_days)
        if retention_days < 1:
            # the previous run must stay readable while readers finish with it, and stay restorable
            raise SettingsError(f"PULSE_PUBLISH_RETENTION_DAYS={retention_days} must be at least 1 (day)")
        return cls(
            raw_path=raw_path,
            demo=demo,
            as_of=as_of,
            reporting_currency=reporting_currency,
            publish_uri=publish_uri,
            duckdb_path=duckdb_path,
            duckdb_memory_limit=memory_limit,
            engine=engine,
            spark_warehouse=spark_warehouse,
            spark_driver_memory=driver_memory.lower(),
            spark_shuffle_partitions=env.whole(
                "PULSE_SPARK_SHUFFLE_PARTITIONS", cls.spark_shuffle_partitions, minimum=1
            ),
            spark_master=get("PULSE_SPARK_MASTER") or cls.spark_master,
            spark_conf=Path(spark_conf).expanduser().resolve() if spark_conf else None,
            s3_endpoint_url=get("PULSE_S3_ENDPOINT_URL"),
            demo_customers=as_int("PULSE_DEMO_CUSTOMERS", cls.demo_customers),
            demo_seed=as_int("PULSE_DEMO_SEED", cls.demo_seed),
            dbt_target=get("PULSE_DBT_TARGET") or ENGINE_DBT_TARGETS[engine],
            dbt_vars=dbt_vars,
            schedule_timezone=get("PULSE_SCHEDULE_TIMEZONE") or cls.schedule_timezone,
            s3_region=get("PULSE_S3_REGION"),
            s3_sse=s3_sse,
            s3_kms_key_id=kms_key_id,
            publish_retention_days=retention_days,
            publish_merge_min_rows=env.whole(
                "PULSE_PUBLISH_MERGE_MIN_ROWS", cls.publish_merge_min_rows, minimum=0
            ),
            max_order_drop=as_share("PULSE_MAX_ORDER_DROP", cls.max_order_drop),
            allow_order_drop=as_bool("PULSE_ALLOW_ORDER_DROP") or False,
            full_refresh=as_bool("PULSE_FULL_REFRESH") or False,
            predictions=PredictionSettings.from_env(env),
            targeting=TargetingSettings.from_env(env),
            sources=SourceSettings.from_env(env),
            source_database=database,
        )


def schedule_timezone(environ: Mapping[str, str] | None = None) -> str:
    """The one setting needed when the definitions load (the schedule's timezone), read on its own so a
    wrong value of any other variable cannot keep the UI from loading the code location."""
    return EnvReader(environ).text("PULSE_SCHEDULE_TIMEZONE") or PulseSettings.schedule_timezone


def demo_mode(
    demo: bool | None, raw_path: str | None, database: DatabaseSettings | None = None
) -> tuple[bool, str]:
    """Whether this run generates the demo shop, and where the raw files are.

    PULSE_DEMO unset: demo exactly when PULSE_RAW_PATH is unset (the shop goes to .pulse/demo_raw).
    PULSE_DEMO=true: the demo shop is generated into PULSE_RAW_PATH (a local folder) or the default.
    PULSE_DEMO=false: PULSE_RAW_PATH is required; there is nothing else to load.
    A shop database (PULSE_SOURCE_DATABASE_URL) replaces both; its location (no password) is the raw path.
    """
    if database is not None:
        if raw_path is not None or demo:
            other = "PULSE_RAW_PATH" if raw_path is not None else "PULSE_DEMO=true"
            raise SettingsError(
                f"PULSE_SOURCE_DATABASE_URL and {other} are both set: a run reads one source; unset one"
            )
        return False, database.location
    if demo is None:
        demo = raw_path is None
    if not demo and raw_path is None:
        raise SettingsError(
            "PULSE_DEMO=false but PULSE_RAW_PATH is not set: point PULSE_RAW_PATH at your shop's files, "
            "or unset PULSE_DEMO to run on the demo shop"
        )
    if demo and raw_path is not None and raw_path.startswith("s3://"):
        raise SettingsError(
            f"PULSE_DEMO=true needs a local folder to generate the demo shop into, not "
            f"PULSE_RAW_PATH={raw_path!r}: unset one of the two"
        )
    return demo, raw_path or str(DEFAULT_RAW_PATH)
