"""Every PULSE_* setting, read once from the environment at run time. Nothing else reads the environment."""

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCAL_STATE = REPO_ROOT / ".pulse"
DEFAULT_RAW_PATH = LOCAL_STATE / "demo_raw"
DEFAULT_PUBLISH_URI = str(LOCAL_STATE / "published")
DEFAULT_DUCKDB_PATH = LOCAL_STATE / "warehouse.duckdb"


class SettingsError(ValueError):
    """A PULSE_* variable holds a value the pipeline cannot use; the message names the variable."""


@dataclass(frozen=True)
class PulseSettings:
    raw_path: str = str(DEFAULT_RAW_PATH)
    as_of: str | None = None
    publish_uri: str = DEFAULT_PUBLISH_URI
    duckdb_path: Path = DEFAULT_DUCKDB_PATH
    s3_endpoint_url: str | None = None
    demo_customers: int = 2000
    demo_seed: int = 42
    dbt_target: str = "local"
    dbt_vars: Mapping[str, object] = field(default_factory=dict)
    schedule_timezone: str = "UTC"
    # the order volume check: largest accepted drop in clean orders against the last publish, and the
    # override for a deliberate reset
    max_order_drop: float = 0.5
    allow_order_drop: bool = False

    @property
    def uses_demo_data(self) -> bool:
        return Path(self.raw_path) == DEFAULT_RAW_PATH

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "PulseSettings":
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(name)
            return value.strip() if value and value.strip() else None

        def as_int(name: str, default: int) -> int:
            value = get(name)
            if value is None:
                return default
            try:
                return int(value)
            except ValueError as error:
                raise SettingsError(f"{name}={value!r} is not a whole number") from error

        def as_share(name: str, default: float) -> float:
            value = get(name)
            if value is None:
                return default
            try:
                share = float(value)
            except ValueError as error:
                raise SettingsError(f"{name}={value!r} is not a number (a share such as 0.5)") from error
            if not 0 <= share <= 1:
                raise SettingsError(f"{name}={value!r} must be a share between 0 and 1 (0.5 = 50 %)")
            return share

        def as_bool(name: str) -> bool:
            value = (get(name) or "false").lower()
            if value not in {"true", "false", "1", "0", "yes", "no"}:
                raise SettingsError(f"{name}={get(name)!r} must be true or false")
            return value in {"true", "1", "yes"}

        dbt_vars: dict[str, object] = {}
        if raw_vars := get("PULSE_DBT_VARS"):
            try:
                dbt_vars = json.loads(raw_vars)
            except json.JSONDecodeError as error:
                raise SettingsError(f"PULSE_DBT_VARS is not valid JSON ({error})") from error
            if not isinstance(dbt_vars, dict):
                raise SettingsError("PULSE_DBT_VARS must be a JSON object, e.g. '{\"rfm_window_days\": 180}'")

        as_of = get("PULSE_AS_OF")
        if as_of is not None:
            try:
                datetime.fromisoformat(as_of)
            except ValueError as error:
                raise SettingsError(
                    f"PULSE_AS_OF={as_of!r} is not an ISO 8601 date or timestamp (e.g. 2025-06-30)"
                ) from error

        raw_path = get("PULSE_RAW_PATH") or str(DEFAULT_RAW_PATH)
        duckdb_path = Path(get("PULSE_DUCKDB_PATH") or DEFAULT_DUCKDB_PATH).expanduser().resolve()
        publish_uri = get("PULSE_PUBLISH_URI") or DEFAULT_PUBLISH_URI
        if not raw_path.startswith("s3://"):
            raw_path = str(Path(raw_path).expanduser().resolve())
        if not publish_uri.startswith("s3://"):
            publish_uri = str(Path(publish_uri).expanduser().resolve())
        return cls(
            raw_path=raw_path,
            as_of=as_of,
            publish_uri=publish_uri,
            duckdb_path=duckdb_path,
            s3_endpoint_url=get("PULSE_S3_ENDPOINT_URL"),
            demo_customers=as_int("PULSE_DEMO_CUSTOMERS", cls.demo_customers),
            demo_seed=as_int("PULSE_DEMO_SEED", cls.demo_seed),
            dbt_target=get("PULSE_DBT_TARGET") or cls.dbt_target,
            dbt_vars=dbt_vars,
            schedule_timezone=get("PULSE_SCHEDULE_TIMEZONE") or cls.schedule_timezone,
            max_order_drop=as_share("PULSE_MAX_ORDER_DROP", cls.max_order_drop),
            allow_order_drop=as_bool("PULSE_ALLOW_ORDER_DROP"),
        )
