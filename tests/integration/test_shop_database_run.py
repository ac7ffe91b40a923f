"""A WooCommerce shop database on a real PostgreSQL and a real MariaDB (Debian's packages, started here), run
end to end as `python3 tasks.py run` runs it, with the password only in the environment.

Every order of the database must be accounted for in the console's reconciliation line and the marts, with
counts and sums computed independently by SQL on the server; the fake password must appear nowhere: not
in the console, the run's log file, the Dagster instance (every event's metadata), the warehouse or the
published files. A wrong password, a broken query and a query missing a column each fail in one sentence.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pipeline.raw.errors import RawDataError
from pipeline.settings import PulseSettings
from pipeline.sources.database.load import load_raw_database
from tests.db_servers import MariaDBServer, PostgresServer
from tests.integration.pipeline_runs import run_tasks_py
from tests.integration.shop_database import QUERIES, load_demo_shop
from tests.system_packages import MissingPackage

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SECRET = "Fake-Pw_9c2e71b4/+x"  # a fake password with URL-unsafe characters: never shown anywhere
SERVERS = {"postgresql": PostgresServer, "mysql": MariaDBServer}
RECONCILIATION = re.compile(
    r"Orders: ([\d,]+) raw rows = ([\d,]+) clean \+ ([\d,]+) quarantined "
    r"\(([\d,]+) invalid, ([\d,]+) cancelled\) \+ ([\d,]+) duplicates collapsed \+ ([\d,]+) after as_of"
)


@dataclass
class ShopRun:
    server: PostgresServer | MariaDBServer
    folder: Path
    output: str  # the console
    returncode: int


def _source_env(server, folder: Path, password: str = SECRET, queries: Path = QUERIES) -> dict[str, str]:
    return {
        "PULSE_SOURCE_DATABASE_URL": server.url,
        "PULSE_SOURCE_QUERIES": str(queries),
        "PULSE_SOURCE_DATABASE_PASSWORD": password,
        "PULSE_DUCKDB_PATH": str(folder / "warehouse.duckdb"),
        "PULSE_PUBLISH_URI": str(folder / "published"),
    }


class _Servers(dict):
    """Each kind's server, started on first use."""

    def __missing__(self, kind: str):
        try:
            self[kind] = SERVERS[kind](SECRET)
        except MissingPackage as missing:  # a developer's machine without root: as the browser tests do
            pytest.skip(str(missing))
        return self[kind]


@pytest.fixture(scope="session")
def servers():
    started = _Servers()
    yield started
    for server in started.values():
        server.stop()


@pytest.fixture(scope="module", params=sorted(SERVERS))
def shop_run(request, servers, tmp_path_factory) -> ShopRun:
    server = servers[request.param]
    folder = tmp_path_factory.mktemp(request.param)
    load_demo_shop(server, folder / "demo")
    result = run_tasks_py(_source_env(server, folder), folder / "dagster_home", installed=True)
    (folder / "console.txt").write_text(result.stdout + result.stderr)
    return ShopRun(server, folder, result.stdout + result.stderr, result.returncode)


def _server_ints(server, sql: str) -> list[int]:
    return [int(float(v)) for v in server.sql(sql).split()]


def _warehouse(run: ShopRun, sql: str) -> list[tuple]:
    with duckdb.connect(str(run.folder / "warehouse.duckdb"), read_only=True) as con:
        return con.sql(sql).fetchall()


def test_the_run_publishes_and_says_which_source(shop_run):
    assert shop_run.returncode == 0, shop_run.output[-5000:]
    label = "PostgreSQL" if shop_run.server.kind == "postgresql" else "MySQL/MariaDB"
    assert f"Shop database {label} pulse@127.0.0.1:{shop_run.server.port}/shop" in shop_run.output
    assert (shop_run.folder / "published" / "_manifest.json").is_file()


def test_reconciliation_accounts_for_every_order_of_the_database(shop_run):
    [line] = [text for text in shop_run.output.splitlines() if text.startswith("Orders:")]
    raw, clean, quarantined, invalid, cancelled, duplicates, after = (
        int(v.replace(",", "")) for v in RECONCILIATION.fullmatch(line).groups()
    )
    [rows, cancelled_in_db] = _server_ints(
        shop_run.server,
        "select count(*), sum(case when status = 'wc-cancelled' then 1 else 0 end) from wp_wc_orders "
        "where type in ('shop_order', 'shop_order_refund')",
    )
    assert (raw, clean, quarantined, invalid, cancelled) == (
        rows,
        rows - cancelled_in_db,
        cancelled_in_db,
        0,
        cancelled_in_db,
    )
    assert (duplicates, after) == (0, 0)


def test_orders_refunds_customers_and_amounts_match_the_database(shop_run):
    server = shop_run.server
    [orders, refunds, customers] = _server_ints(
        server,
        "select sum(case when type = 'shop_order' then 1 else 0 end), "
        "sum(case when type = 'shop_order_refund' then 1 else 0 end), count(distinct customer_id) "
        "from wp_wc_orders where status <> 'wc-cancelled'",
    )
    [(fct_orders, fct_refunds, fct_customers)] = _warehouse(
        shop_run,
        "select count(*) filter (where not is_refund), count(*) filter (where is_refund), "
        "count(distinct customer_id) from marts.fct_orders",
    )
    assert (fct_orders, fct_refunds, fct_customers) == (orders, refunds, customers)
    # net amount per currency as the shop holds it: a refunded order nets to zero, a refund row is negative
    expected = dict(
        line.split("\t")
        for line in server.sql(
            "select coalesce(currency, 'EUR'), "
            "sum(case when status = 'wc-refunded' then 0 else total_amount end) from wp_wc_orders "
            "where status <> 'wc-cancelled' group by coalesce(currency, 'EUR')"
        ).splitlines()
    )
    net = dict(_warehouse(shop_run, "select currency, sum(original_amount) from marts.fct_orders group by 1"))
    assert {c: round(float(v), 2) for c, v in net.items()} == {
        c: round(float(v), 2) for c, v in expected.items()
    }
    [items] = _server_ints(server, "select count(*) from wp_wc_order_product_lookup")
    assert _warehouse(shop_run, "select count(*) from raw.order_items") == [(items,)]
    [opted_in] = _server_ints(
        server,
        "select count(*) from wp_usermeta where meta_key = 'marketing_email_opt_in' and meta_value = 'yes'",
    )
    opted = "select count(*) from staging.stg_shop__customers where email_opt_in"  # 'yes' read as true
    assert _warehouse(shop_run, opted) == [(opted_in,)]


def test_the_password_appears_nowhere(shop_run):
    assert SECRET not in shop_run.output
    for path in shop_run.folder.rglob("*"):  # run log, instance storage (event metadata), warehouse, publish
        if path.is_file():
            data = path.read_bytes()
            assert SECRET.encode() not in data, path
            assert SECRET.replace("/", "%2F").replace("+", "%2B").encode() not in data, path


def _database(server, folder: Path, queries: Path):
    return PulseSettings.from_env(_source_env(server, folder, queries=queries)).source_database


@pytest.mark.parametrize("kind", sorted(SERVERS))
def test_a_wrong_password_fails_in_one_sentence_without_showing_it(kind, servers, tmp_path):
    server = servers[kind]
    wrong = "Wrong-Fake-Pw-5d1"
    env = _source_env(server, tmp_path, password=wrong)
    result = run_tasks_py(env, tmp_path / "dagster_home", installed=True)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output[-3000:]
    # the driver's own connection says so before the run starts, not connectorx's pool after 30 s of retries
    assert "Cannot start: PULSE_SOURCE_DATABASE_URL" in output, output[-3000:]
    label = "PostgreSQL" if kind == "postgresql" else "MySQL/MariaDB"
    where = f"{label} pulse@127.0.0.1:{server.port}/shop"
    assert f"PULSE_SOURCE_DATABASE_URL: cannot connect to {where}" in output
    assert re.search(r"password authentication failed|Access denied", output), output[-3000:]
    for text in [output, *(p.read_bytes().decode(errors="replace") for p in tmp_path.rglob("*.log"))]:
        assert wrong not in text and SECRET not in text
    # the raw step (a run from the UI or the schedule) refuses the same login in the same words
    settings = PulseSettings.from_env(_source_env(server, tmp_path))
    refused = PulseSettings.from_env(env).source_database
    with pytest.raises(RawDataError, match=r"cannot connect to .*(authentication failed|Access denied)"):
        load_raw_database(refused, settings.duckdb_path)
    # a broken query and a query missing a contract column, straight from the loader
    broken = tmp_path / "broken.yml"
    broken.write_text("orders: select order_id from no_such_table\n")
    with pytest.raises(
        RawDataError, match=r"broken.yml, query 'orders': the query failed on .*no_such_table"
    ):
        load_raw_database(_database(server, tmp_path, broken), settings.duckdb_path)
    server.sql("create table sales (id int, customer int, total decimal(10, 2), created_at date)")
    missing = tmp_path / "missing.yml"
    missing.write_text("orders: select id as order_id, customer, total, created_at from sales\n")
    message = (
        r"missing.yml, query 'orders': required columns 'customer_id' \(maybe 'customer'\), 'ordered_at' "
        r"\(maybe 'created_at'\), 'amount' \(maybe 'total'\) missing"
    )
    with pytest.raises(RawDataError, match=message):
        load_raw_database(_database(server, tmp_path, missing), settings.duckdb_path)
