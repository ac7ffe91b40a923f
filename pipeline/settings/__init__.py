"""Every PULSE_* setting, read once from the environment at run time. Nothing else reads the environment.

`PulseSettings.from_env()` is the one settings object; its groups `predictions`, `targeting` and
`sources` hold the settings of models, of segments and audiences, and of how a shop's export is read.
"""

from pipeline.settings.core import (
    DEFAULT_DUCKDB_PATH,
    DEFAULT_PUBLISH_URI,
    DEFAULT_RAW_PATH,
    DEFAULT_SPARK_WAREHOUSE,
    ENGINE_DBT_TARGETS,
    LOCAL_STATE,
    OWN_SETTING_VARS,
    REPO_ROOT,
    PulseSettings,
    demo_mode,
    schedule_timezone,
)
from pipeline.settings.environment import SettingsError
from pipeline.settings.predictions import PredictionSettings
from pipeline.settings.sources import SourceSettings
from pipeline.settings.targeting import TargetingSettings

__all__ = [
    "DEFAULT_DUCKDB_PATH",
    "DEFAULT_PUBLISH_URI",
    "DEFAULT_RAW_PATH",
    "DEFAULT_SPARK_WAREHOUSE",
    "ENGINE_DBT_TARGETS",
    "LOCAL_STATE",
    "OWN_SETTING_VARS",
    "REPO_ROOT",
    "PredictionSettings",
    "PulseSettings",
    "SettingsError",
    "SourceSettings",
    "TargetingSettings",
    "demo_mode",
    "schedule_timezone",
]
