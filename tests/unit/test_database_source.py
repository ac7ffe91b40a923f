"""The shop database source without a server: its settings (password never shown), the queries file, and
typed Arrow columns rewritten as the contract's text. tests/integration/test_shop_database_run.py runs it
against real PostgreSQL and MariaDB servers."""

import os
from datetime import UTC, date, datetime
from decimal import Decimal

import dagster as dg
import pyarrow as pa
import pytest

import tasks
from pipeline.defs.automation.sensors import new_raw_files_sensor
from pipeline.raw.contract import ENTITIES
from pipeline.raw.errors import RawDataError
from pipeline.resources import PulseSettingsResource
from pipeline.settings import PulseSettings, SettingsError
from pipeline.sources.database.arrow_text import as_text, column_map, contract_batch
from pipeline.sources.database.queries import read_queries
from pipeline.sources.database.reader import scrub

SECRET = "Fake/Secret+42"
ORDERS = ENTITIES[0]


@pytest.fixture
def queries(tmp_path):
    path = tmp_path / "queries.yml"
    path.write_text("orders: |\n  select id as order_id from t;\ncustomers: select 1 as customer_id\n")
    return path


def _settings(queries, **env):
    return PulseSettings.from_env(
        {
            "PULSE_SOURCE_DATABASE_URL": "postgresql://pulse@db.example:6543/shop",
            "PULSE_SOURCE_QUERIES": str(queries),
        }
        | env
    )


def test_a_database_source_replaces_the_demo_and_its_location_has_no_password(queries):
    settings = _settings(queries, PULSE_SOURCE_DATABASE_PASSWORD=SECRET)
    database = settings.source_database
    assert (settings.demo, settings.raw_path) == (False, "postgresql://pulse@db.example:6543/shop")
    assert (database.kind, database.host, database.port, database.database) == (
        "postgresql",
        "db.example",
        6543,
        "shop",
    )
    assert database.password == SECRET
    assert SECRET not in repr(settings) and SECRET not in database.label


def test_the_password_comes_from_the_setting_then_the_url_then_the_clients_variable(queries):
    url = {"PULSE_SOURCE_DATABASE_URL": "mariadb://shop%40user:url%2Fpw@db/shop"}
    from_url = _settings(queries, **url).source_database
    assert (from_url.kind, from_url.user, from_url.password, from_url.port) == (
        "mysql",
        "shop@user",
        "url/pw",
        3306,
    )
    assert "url/pw" not in from_url.location and "url%2Fpw" not in repr(_settings(queries, **url))
    assert _settings(queries, PGPASSWORD="pg").source_database.password == "pg"
    assert (
        _settings(queries, PGPASSWORD="pg", PULSE_SOURCE_DATABASE_PASSWORD="own").source_database.password
        == "own"
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PULSE_SOURCE_DATABASE_URL": "postgresql://u@h/db"}, "PULSE_SOURCE_QUERIES is not set"),
        (
            {"PULSE_SOURCE_DATABASE_URL": "oracle://u:pw@h/db", "PULSE_SOURCE_QUERIES": "{q}"},
            "not a database URL",
        ),
        (
            {"PULSE_SOURCE_DATABASE_URL": "postgresql://h/db", "PULSE_SOURCE_QUERIES": "{q}"},
            "not a database URL",
        ),
        (
            {"PULSE_SOURCE_DATABASE_URL": "postgresql://u@h/db", "PULSE_SOURCE_QUERIES": "/nope.yml"},
            "not a file",
        ),
        (
            {
                "PULSE_SOURCE_DATABASE_URL": "postgresql://u@h/db",
                "PULSE_SOURCE_QUERIES": "{q}",
                "PULSE_RAW_PATH": "/x",
            },
            "a run reads one source",
        ),
    ],
)
def test_bad_database_settings_name_the_variable_and_never_echo_the_url(queries, env, message):
    env = {name: value.replace("{q}", str(queries)) for name, value in env.items()}
    with pytest.raises(SettingsError, match=message) as raised:
        PulseSettings.from_env(env)
    assert "pw" not in str(raised.value)


def test_the_queries_file_is_checked_against_the_contract(tmp_path, queries):
    assert read_queries(queries) == {
        "orders": "select id as order_id from t",
        "customers": "select 1 as customer_id",
    }
    cases = {
        "orders: select 1\nrefunds: select 2\n": "refunds is not a table of the data contract",
        "customers: select 1\n": "no query for orders",
        "orders: ''\n": "the query of orders is empty",
        "- orders\n": "expected one query per table",
    }
    for text, message in cases.items():
        path = tmp_path / "bad.yml"
        path.write_text(text)
        with pytest.raises(RawDataError, match=message):
            read_queries(path)


def test_typed_columns_become_the_contracts_text():
    at = datetime(2024, 12, 2, 0, 27, 53, tzinfo=UTC)
    assert as_text(pa.array([at], pa.timestamp("us", "Europe/Berlin"))).to_pylist() == [
        "2024-12-02T00:27:53.000000Z"
    ]
    assert as_text(pa.array([at.replace(tzinfo=None)], pa.timestamp("s"))).to_pylist() == [
        "2024-12-02T00:27:53"
    ]
    assert as_text(pa.array([date(2024, 1, 31)])).to_pylist() == ["2024-01-31"]
    assert as_text(pa.array([Decimal("38.74"), None], pa.decimal128(10, 2))).to_pylist() == ["38.74", None]
    assert as_text(pa.array([True, False, None])).to_pylist() == ["true", "false", None]
    assert as_text(pa.array([7], pa.int64())).to_pylist() == ["7"]
    assert as_text(pa.array([None, None], pa.null())).to_pylist() == [None, None]


def test_a_batch_gets_contract_columns_and_row_lineage():
    batch = pa.record_batch({"ORDER_ID": [1, 2], "customer_id": [5, 6], "ordered_at": ["2024-01-01"] * 2,
                             "amount": [1.5, 2.0], "note": ["x", "y"]})  # fmt: skip
    columns = column_map(ORDERS, batch.schema.names, "q")
    out = contract_batch(batch, ORDERS, columns, "queries.yml: orders", 11)
    assert out.column("order_id").to_pylist() == ["1", "2"] and out.column("status").null_count == 2
    assert out.column("_source_file").to_pylist() == ["queries.yml: orders"] * 2
    assert out.column("_source_row").to_pylist() == [11, 12]
    with pytest.raises(RawDataError, match=r"required columns 'ordered_at' \(maybe 'Created at'\), 'amount'"):
        column_map(ORDERS, ["order_id", "customer_id", "Created at"], "queries.yml, query 'orders'")


def test_driver_messages_lose_the_password_plain_or_url_encoded(queries):
    database = _settings(queries, PULSE_SOURCE_DATABASE_PASSWORD=SECRET).source_database
    text = f"cannot connect to postgresql://pulse:Fake%2FSecret%2B42@h/shop ({SECRET})"
    assert SECRET not in scrub(text, database) and "Fake%2FSecret%2B42" not in scrub(text, database)


def test_tasks_keeps_a_database_shop_in_its_own_instance_named_without_the_password():
    home, reason = tasks.instance_home({"PULSE_SOURCE_DATABASE_URL": "postgresql://u:s3cr3t@db:5432/shop"})
    assert home.parent == tasks.SHOP_INSTANCES and home.name.startswith("shop-")
    assert reason == "the shop at postgresql://u@db:5432/shop"
    assert home == tasks.instance_home({"PULSE_SOURCE_DATABASE_URL": "postgresql://u:other@db:5432/shop"})[0]


def test_the_new_files_sensor_skips_a_database_source(queries, monkeypatch):
    for name in [n for n in os.environ if n.startswith("PULSE_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PULSE_SOURCE_DATABASE_URL", "mysql://pulse@db/shop")
    monkeypatch.setenv("PULSE_SOURCE_QUERIES", str(queries))
    with dg.build_sensor_context(resources={"pulse": PulseSettingsResource()}) as context:
        skipped = new_raw_files_sensor(context)
    assert isinstance(skipped, dg.SkipReason) and "shop database" in skipped.skip_message
