from pathlib import Path

import pytest

from pipeline.settings import DEFAULT_DUCKDB_PATH, DEFAULT_RAW_PATH, PulseSettings, SettingsError


def test_defaults_run_on_the_embedded_demo_without_configuration():
    settings = PulseSettings.from_env({})
    assert settings.uses_demo_data
    assert Path(settings.raw_path) == DEFAULT_RAW_PATH
    assert settings.duckdb_path == DEFAULT_DUCKDB_PATH
    assert not settings.publish_uri.startswith("s3://")
    assert settings.as_of is None


def test_values_come_from_the_environment(tmp_path):
    settings = PulseSettings.from_env(
        {
            "PULSE_RAW_PATH": str(tmp_path / "shop"),
            "PULSE_AS_OF": "2025-06-30",
            "PULSE_PUBLISH_URI": "s3://bucket/pulse",
            "PULSE_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "PULSE_DBT_VARS": '{"rfm_window_days": 180}',
        }
    )
    assert settings.raw_path == str(tmp_path / "shop")
    assert not settings.uses_demo_data
    assert settings.as_of == "2025-06-30"
    assert settings.publish_uri == "s3://bucket/pulse"
    assert settings.s3_endpoint_url == "http://127.0.0.1:9000"
    assert settings.dbt_vars == {"rfm_window_days": 180}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PULSE_AS_OF", "30/06/2025", "PULSE_AS_OF"),
        ("PULSE_DBT_VARS", "{not json", "PULSE_DBT_VARS"),
        ("PULSE_DBT_VARS", "[1, 2]", "JSON object"),
        ("PULSE_DEMO_CUSTOMERS", "many", "PULSE_DEMO_CUSTOMERS"),
    ],
)
def test_bad_values_name_the_variable(name, value, message):
    with pytest.raises(SettingsError, match=message):
        PulseSettings.from_env({name: value})


def test_order_volume_settings_default_to_a_half_and_no_override():
    settings = PulseSettings.from_env({})
    assert (settings.max_order_drop, settings.allow_order_drop) == (0.5, False)
    custom = PulseSettings.from_env({"PULSE_MAX_ORDER_DROP": "0.2", "PULSE_ALLOW_ORDER_DROP": "TRUE"})
    assert (custom.max_order_drop, custom.allow_order_drop) == (0.2, True)


@pytest.mark.parametrize(
    ("name", "value"),
    [("PULSE_MAX_ORDER_DROP", "50%"), ("PULSE_MAX_ORDER_DROP", "1.5"), ("PULSE_ALLOW_ORDER_DROP", "maybe")],
)
def test_bad_order_volume_settings_name_the_variable(name, value):
    with pytest.raises(SettingsError, match=name):
        PulseSettings.from_env({name: value})
