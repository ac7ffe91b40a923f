"""Settings: defaults that run the demo, values from the environment, errors that name the variable."""

from pathlib import Path

import pytest

from pipeline.settings import DEFAULT_DUCKDB_PATH, DEFAULT_RAW_PATH, PulseSettings, SettingsError


def test_defaults_run_on_the_embedded_demo_without_configuration():
    settings = PulseSettings.from_env({})
    assert settings.demo
    assert Path(settings.raw_path) == DEFAULT_RAW_PATH
    assert settings.duckdb_path == DEFAULT_DUCKDB_PATH
    assert not settings.publish_uri.startswith("s3://")
    assert settings.as_of is None
    assert settings.reporting_currency == "EUR"
    assert settings.duckdb_memory_limit == "4GB"


def test_values_come_from_the_environment(tmp_path):
    settings = PulseSettings.from_env(
        {
            "PULSE_RAW_PATH": str(tmp_path / "shop"),
            "PULSE_AS_OF": "2025-06-30",
            "PULSE_PUBLISH_URI": "s3://bucket/pulse",
            "PULSE_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "PULSE_DBT_VARS": '{"rfm_window_days": 180}',
            "PULSE_REPORTING_CURRENCY": "sek",
            "PULSE_DUCKDB_MEMORY_LIMIT": "512 MB",
        }
    )
    assert settings.raw_path == str(tmp_path / "shop")
    assert not settings.demo
    assert settings.as_of == "2025-06-30"
    assert settings.publish_uri == "s3://bucket/pulse"
    assert settings.s3_endpoint_url == "http://127.0.0.1:9000"
    assert settings.dbt_vars == {"rfm_window_days": 180}
    assert settings.reporting_currency == "SEK"
    assert settings.duckdb_memory_limit == "512 MB"


@pytest.mark.parametrize(
    ("env", "demo", "raw_path"),
    [
        ({}, True, DEFAULT_RAW_PATH),  # nothing set: the demo shop, in its default folder
        ({"PULSE_RAW_PATH": "shop"}, False, Path("shop").resolve()),  # a raw path: the shop's own files
        ({"PULSE_DEMO": "true"}, True, DEFAULT_RAW_PATH),
        # the demo shop is written into the given folder
        ({"PULSE_DEMO": "TRUE", "PULSE_RAW_PATH": "demo"}, True, Path("demo").resolve()),
        ({"PULSE_DEMO": "0", "PULSE_RAW_PATH": "shop"}, False, Path("shop").resolve()),
    ],
)
def test_demo_mode_is_explicit_or_follows_the_raw_path(env, demo, raw_path):
    settings = PulseSettings.from_env(env)
    assert settings.demo is demo
    assert Path(settings.raw_path) == raw_path


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PULSE_DEMO": "false"}, r"PULSE_DEMO=false but PULSE_RAW_PATH is not set"),
        ({"PULSE_DEMO": "true", "PULSE_RAW_PATH": "s3://bucket/shop"}, r"PULSE_DEMO=true .*PULSE_RAW_PATH="),
        ({"PULSE_DEMO": "maybe"}, r"PULSE_DEMO='maybe' is not true or false"),
    ],
)
def test_demo_mode_errors_name_the_variables(env, message):
    with pytest.raises(SettingsError, match=message):
        PulseSettings.from_env(env)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PULSE_AS_OF", "30/06/2025", "PULSE_AS_OF"),
        ("PULSE_DBT_VARS", "{not json", "PULSE_DBT_VARS"),
        ("PULSE_DBT_VARS", "[1, 2]", "JSON object"),
        ("PULSE_DEMO_CUSTOMERS", "many", "PULSE_DEMO_CUSTOMERS"),
        ("PULSE_REPORTING_CURRENCY", "EURO", "PULSE_REPORTING_CURRENCY='EURO' is not a 3-letter ISO 4217"),
        ("PULSE_REPORTING_CURRENCY", "€", "PULSE_REPORTING_CURRENCY"),
        ("PULSE_DUCKDB_MEMORY_LIMIT", "lots", "PULSE_DUCKDB_MEMORY_LIMIT='lots'"),
        # a dbt var with its own setting is set through that setting only
        ("PULSE_DBT_VARS", '{"reporting_currency": "USD"}', "use PULSE_REPORTING_CURRENCY instead"),
        ("PULSE_DBT_VARS", '{"duckdb_path": "/tmp/x.duckdb"}', "use PULSE_DUCKDB_PATH instead"),
        ("PULSE_ENGINE", "postgres", "PULSE_ENGINE='postgres' is not one of duckdb, spark"),
        ("PULSE_SPARK_DRIVER_MEMORY", "4GB", "PULSE_SPARK_DRIVER_MEMORY='4GB' is not a JVM amount"),
        ("PULSE_SPARK_SHUFFLE_PARTITIONS", "0", "PULSE_SPARK_SHUFFLE_PARTITIONS=0 must be at least 1"),
    ],
)
def test_bad_values_name_the_variable(name, value, message):
    with pytest.raises(SettingsError, match=message):
        PulseSettings.from_env({name: value})


def test_publish_retention_and_s3_region_settings():
    settings = PulseSettings.from_env(
        {"PULSE_PUBLISH_RETENTION_DAYS": "30", "PULSE_S3_REGION": "eu-central-1"}
    )
    assert (settings.publish_retention_days, settings.s3_region) == (30, "eu-central-1")
    assert PulseSettings.from_env({}).publish_retention_days == 7
    with pytest.raises(SettingsError, match="PULSE_PUBLISH_RETENTION_DAYS=0 must be at least 1"):
        PulseSettings.from_env({"PULSE_PUBLISH_RETENTION_DAYS": "0"})


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


def test_prediction_and_targeting_settings_have_working_defaults():
    settings = PulseSettings.from_env({})
    assert settings.predictions.churn_horizon_days == 180
    assert settings.predictions.purchase_cut_points == (0.2, 0.5)
    assert settings.targeting.control_share == 0.10
    assert settings.targeting.audiences_path.name == "audiences.yml"


def test_prediction_and_targeting_settings_are_read_and_checked():
    settings = PulseSettings.from_env(
        {
            "PULSE_CLV_HORIZON_DAYS": "180",
            "PULSE_AUC_FLOOR": "0.7",
            "PULSE_RETRAIN_EVERY_HOURS": "6",
            "PULSE_CHURN_CUT_POINTS": "0.3, 0.6",
            "PULSE_CALIBRATION_METHOD": "Sigmoid",
            "PULSE_CONTROL_SHARE": "0.2",
            "PULSE_COST_PER_CONTACT": "0.05",
        }
    )
    predictions, targeting = settings.predictions, settings.targeting
    assert (predictions.clv_horizon_days, predictions.auc_floor) == (180, 0.7)
    assert predictions.retrain_every_hours == 6
    assert (predictions.churn_cut_points, predictions.calibration_method) == ((0.3, 0.6), "sigmoid")
    assert (targeting.control_share, targeting.cost_per_contact) == (0.2, 0.05)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PULSE_CHURN_HORIZON_DAYS", "0"),
        ("PULSE_AUC_FLOOR", "1.2"),
        ("PULSE_PURCHASE_CUT_POINTS", "0.5,0.2"),
        ("PULSE_CALIBRATION_METHOD", "platt"),
        ("PULSE_CONTROL_SHARE", "ten"),
    ],
)
def test_bad_prediction_and_targeting_settings_name_the_variable(name, value):
    with pytest.raises(SettingsError, match=name):
        PulseSettings.from_env({name: value})


def test_dbt_vars_may_not_set_a_prediction_horizon_behind_its_setting():
    with pytest.raises(SettingsError, match="PULSE_CHURN_HORIZON_DAYS"):
        PulseSettings.from_env({"PULSE_DBT_VARS": '{"churn_horizon_days": 90}'})


def test_the_schedule_timezone_is_read_alone_so_a_bad_setting_cannot_stop_the_code_location():
    from pipeline.settings import schedule_timezone

    environ = {"PULSE_SCHEDULE_TIMEZONE": "Europe/Copenhagen", "PULSE_AUC_FLOOR": "not a number"}
    assert schedule_timezone(environ) == "Europe/Copenhagen"
    assert schedule_timezone({}) == "UTC"
    with pytest.raises(SettingsError, match="PULSE_AUC_FLOOR"):
        PulseSettings.from_env(environ)


@pytest.mark.parametrize(
    ("name", "value"),
    [("PULSE_MAX_SEGMENTS", "1"), ("PULSE_MAX_SEGMENTS", "65"), ("PULSE_CONTROL_SHARE", "0.6")],
)
def test_segment_and_audience_settings_stay_in_the_ranges_the_libraries_take(name, value):
    with pytest.raises(SettingsError, match=name):
        PulseSettings.from_env({name: value})


def test_the_engine_picks_the_dbt_target_unless_one_is_set():
    assert PulseSettings.from_env({}).engine == "duckdb"
    assert PulseSettings.from_env({}).dbt_target == "local"
    assert PulseSettings.from_env({"PULSE_ENGINE": "Spark"}).dbt_target == "spark"
    cluster = PulseSettings.from_env({"PULSE_ENGINE": "spark", "PULSE_DBT_TARGET": "spark_thrift"})
    assert (cluster.engine, cluster.dbt_target) == ("spark", "spark_thrift")


def test_a_spark_session_runs_where_the_settings_say_with_the_files_settings_over_the_local_defaults(
    tmp_path,
):
    """PULSE_SPARK_MASTER and PULSE_SPARK_CONF: the run's process as a cluster's driver, its metastore and
    storage from a spark-defaults.conf style file (read without starting Spark)."""
    from pipeline.engine.spark import session_conf

    local = PulseSettings.from_env({"PULSE_ENGINE": "spark"})
    assert (local.spark_master, local.spark_conf) == ("local[*]", None)
    conf = tmp_path / "spark.conf"
    conf.write_text(
        "# the cluster's metastore and storage\n"
        "spark.hadoop.hive.metastore.uris  thrift://metastore:9083\n"
        "spark.sql.warehouse.dir=s3a://bucket/pulse/warehouse\n"
        "spark.sql.shuffle.partitions 64  # executors' cores x 2\n"
        "spark.driver.extraJavaOptions -Dlog4j.configurationFile=/etc/log4j2.properties\n"
    )
    cluster = PulseSettings.from_env(
        {
            "PULSE_ENGINE": "spark",
            "PULSE_SPARK_MASTER": "k8s://https://k8s:443",
            "PULSE_SPARK_CONF": str(conf),
        }
    )
    assert cluster.spark_master == "k8s://https://k8s:443"
    settings = session_conf(cluster)
    assert settings["spark.hadoop.hive.metastore.uris"] == "thrift://metastore:9083"
    assert settings["spark.sql.warehouse.dir"] == "s3a://bucket/pulse/warehouse"
    assert settings["spark.sql.shuffle.partitions"] == "64"
    assert settings["spark.driver.extraJavaOptions"] == "-Dlog4j.configurationFile=/etc/log4j2.properties"
    assert settings["spark.sql.session.timeZone"] == "UTC"  # a default the file does not override
    with pytest.raises(SettingsError, match="PULSE_SPARK_CONF='/nowhere.conf' is not a file"):
        PulseSettings.from_env({"PULSE_SPARK_CONF": "/nowhere.conf"})
