"""An incremental dbt run equals a full refresh on the same data, after late, corrected, refunded, removed and
new orders (macros/per_customer_incremental.sql).

The shared demo shop run's warehouse is copied twice and the same changes are made to both copies' raw
tables, as the next export would bring them. dbt then builds the pipeline's first step on one copy
incrementally and on the other with `--full-refresh` (both at once, one core each), and every table the step
builds is compared row for row. The stored rows' identities (DuckDB's rowid) show that the incremental run
left untouched customers' rows where they were and rewrote the changed customers'.
"""

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.defs.dbt.cli_args import AFTER_PYTHON_TABLES, dbt_command
from pipeline.settings import PulseSettings
from tests.conftest import DBT_PROJECT_DIR

pytestmark = pytest.mark.integration

COMPARED_SCHEMAS = ("intermediate", "marts", "features")
ROW_IDS = (
    "select customer_id, list(rowid order by rowid) from intermediate.int_orders_netted group by customer_id"
)
# where the cutoffs before a month and the others lie in storage (DuckDB's rowid: storage order, compacted
# when rows are deleted)
STATE_ROW_RANGES = """
select month_start >= ? as rebuilt, min(rowid), max(rowid), count(*)
from {catalog}.intermediate.int_customer_state_measures
group by 1
"""
# the first day whose activity the changes touched: every cutoff from its month on is rebuilt, none before
FIRST_CHANGED_MONTH = """
select date_trunc('month', min(activity_date)) from (
    (select * exclude (input_fingerprint) from old.intermediate.int_customer_activity_days
     except all select * exclude (input_fingerprint) from inc.intermediate.int_customer_activity_days)
    union all
    (select * exclude (input_fingerprint) from inc.intermediate.int_customer_activity_days
     except all select * exclude (input_fingerprint) from old.intermediate.int_customer_activity_days)
)
"""

# the next export: every kind of change a shop's orders go through, as raw rows (text, as loaded)
EXPORT_CHANGES = """
create temp table picked as
    with ranked as (
        select customer_id, row_number() over (order by customer_id) as n
        from intermediate.int_orders_netted
        group by customer_id
        having count(*) >= 3
    )
    select
        max(case when n = 1 then customer_id end) as late,
        max(case when n = 2 then customer_id end) as corrected,
        max(case when n = 3 then customer_id end) as refunded,
        max(case when n = 4 then customer_id end) as refund_row,
        max(case when n = 5 then customer_id end) as removed_order,
        max(case when n = 6 then customer_id end) as gone,
        max(case when n = 7 then customer_id end) as untouched
    from ranked;

create temp table first_orders as
    select customer_id, min(order_id) as order_id
    from raw.orders
    group by customer_id;

-- a late order: placed months ago, sent only now
insert into raw.orders
select 'LATE-1', late, '2024-03-05T10:00:00Z', '61.50', 'completed', 'EUR', 'email', '', 'orders_next.csv', 1
from picked;

-- a corrected order and a refunded one, re-sent in the next file (the latest row of an order wins)
insert into raw.orders
select orders.order_id, orders.customer_id, orders.ordered_at, '999.99', orders.status, orders.currency,
    orders.channel, orders.campaign_id, 'orders_next.csv', 2
from raw.orders
inner join first_orders on orders.order_id = first_orders.order_id
where orders.customer_id = (select corrected from picked);

insert into raw.orders
select orders.order_id, orders.customer_id, orders.ordered_at, orders.amount, 'refunded', orders.currency,
    orders.channel, orders.campaign_id, 'orders_next.csv', 3
from raw.orders
inner join first_orders on orders.order_id = first_orders.order_id
where orders.customer_id = (select refunded from picked);

-- a refund transaction (a negative amount)
insert into raw.orders
select 'REFUND-1', refund_row, '2026-06-01T08:00:00Z', '-20.00', 'completed', 'EUR', 'web', '',
    'orders_next.csv', 4
from picked;

-- a new customer with two orders and their lines
insert into raw.orders values
    ('NEW-1', 'C-NEW', '2026-05-02T09:00:00Z', '45.00', 'completed', 'EUR', 'web', '', 'orders_next.csv', 5),
    ('NEW-2', 'C-NEW', '2026-06-10T09:00:00Z', '80.00', 'completed', 'EUR', 'web', '', 'orders_next.csv', 6);
insert into raw.order_items (order_id, product_id, quantity, unit_price, _source_file, _source_row) values
    ('NEW-1', 'P001', '1', '45.00', 'order_items_next.csv', 1),
    ('NEW-2', 'P002', '1', '80.00', 'order_items_next.csv', 2);

-- one order no longer in the export, and a customer whose every order is gone
delete from raw.orders
where order_id = (
    select max(order_id) from raw.orders where customer_id = (select removed_order from picked)
);
delete from raw.orders where customer_id = (select gone from picked);
"""


def build(folder: Path, now: str, *extra: str) -> subprocess.Popen:
    """`dbt run` of the pipeline's first step on the warehouse in `folder` (a process; wait for it)."""
    settings = PulseSettings.from_env({"PULSE_DUCKDB_PATH": str(folder / "warehouse.duckdb")})
    args = dbt_command(["run", "--exclude", *AFTER_PYTHON_TABLES.split(), *extra], settings)
    at = args.index("--vars") + 1
    args[at] = json.dumps({**json.loads(args[at]), "now": now})  # both copies on the same moment
    command = [
        str(Path(sys.executable).parent / "dbt"), *args,
        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(folder / "target"), "--log-path", str(folder / "target"),
    ]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finished(process: subprocess.Popen) -> None:
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output[-4000:]


def tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[str]:
    listed = ", ".join(f"'{schema}'" for schema in COMPARED_SCHEMAS)
    rows = con.sql(
        "select table_schema, table_name from information_schema.tables "
        f"where table_catalog = '{catalog}' and table_schema in ({listed}) and table_type = 'BASE TABLE'"
    ).fetchall()
    return sorted(f"{schema}.{name}" for schema, name in rows)


@pytest.fixture(scope="module")
def builds(demo_shop_run, tmp_path_factory):
    """(incremental copy, full-refresh copy, the picked customers) after the same changes to both."""
    _, paths = demo_shop_run
    tmp = tmp_path_factory.mktemp("incremental")
    copies = [tmp / "incremental", tmp / "full_refresh"]
    for folder in copies:
        folder.mkdir()
        shutil.copy(paths["PULSE_DUCKDB_PATH"], folder / "warehouse.duckdb")
        with duckdb.connect(str(folder / "warehouse.duckdb")) as con:
            con.execute(EXPORT_CHANGES)
            row = con.sql("select * from picked").fetchall()[0]
            picked = dict(zip(con.sql("select * from picked").columns, row, strict=True))
            now = str(con.sql("select pulse_now from intermediate.int_run_context").fetchall()[0][0])
    with duckdb.connect(str(copies[0] / "warehouse.duckdb"), read_only=True) as con:
        row_ids_before = dict(con.sql(ROW_IDS).fetchall())
    processes = [build(copies[0], now), build(copies[1], now, "--full-refresh")]
    for process in processes:
        finished(process)
    return copies[0], copies[1], picked, row_ids_before


def test_the_incremental_run_recomputes_only_customers_whose_orders_changed(builds):
    incremental, _, picked, row_ids_before = builds
    with duckdb.connect(str(incremental / "warehouse.duckdb"), read_only=True) as con:
        row_ids_after = dict(con.sql(ROW_IDS).fetchall())
        corrected = con.sql(
            "select max(original_amount) from intermediate.int_orders_netted where customer_id = ?",
            params=[picked["corrected"]],
        ).fetchall()[0][0]
        gone = con.sql(
            "select count(*) from intermediate.int_customer_activity_days where customer_id = ?",
            params=[picked["gone"]],
        ).fetchall()[0][0]
    kept = {customer for customer, ids in row_ids_after.items() if row_ids_before.get(customer) == ids}
    changed = {picked[name] for name in ("late", "corrected", "refunded", "refund_row", "removed_order")}
    assert picked["untouched"] in kept
    assert set(row_ids_before) - kept - {picked["gone"]} == changed  # only these were rewritten
    assert "C-NEW" in row_ids_after and picked["gone"] not in row_ids_after
    assert float(corrected) == 999.99
    assert gone == 0


def test_the_incremental_run_rebuilds_only_cutoffs_on_or_after_the_first_changed_day(demo_shop_run, builds):
    _, paths = demo_shop_run
    incremental, _, _, _ = builds
    con = duckdb.connect()
    con.execute(f"attach '{paths['PULSE_DUCKDB_PATH']}' as old (read_only)")
    con.execute(f"attach '{incremental / 'warehouse.duckdb'}' as inc (read_only)")
    first_changed = con.sql(FIRST_CHANGED_MONTH).fetchall()[0][0].date()
    assert first_changed <= dt.date(2024, 3, 1)  # the late order's month at the latest
    ranges = {
        catalog: {rebuilt: (low, high, rows) for rebuilt, low, high, rows in con.sql(
            STATE_ROW_RANGES.format(catalog=catalog), params=[first_changed]
        ).fetchall()}
        for catalog in ("old", "inc")
    }  # fmt: skip
    kept_rows = ranges["old"][False][2]
    assert kept_rows > 0 and ranges["inc"][False][2] == kept_rows, ranges
    # a build from scratch writes the months interleaved (customer by customer) ...
    assert ranges["old"][False][1] > ranges["old"][True][0], ranges
    # ... the incremental run left the earlier cutoffs' rows in place, first in storage, and appended the
    # cutoffs it rebuilt after them
    assert ranges["inc"][False][:2] == (0, kept_rows - 1) and ranges["inc"][True][0] == kept_rows, ranges


def test_an_incremental_run_equals_a_full_refresh(builds):
    incremental, full_refresh, _, _ = builds
    con = duckdb.connect()
    con.execute(f"attach '{incremental / 'warehouse.duckdb'}' as inc (read_only)")
    con.execute(f"attach '{full_refresh / 'warehouse.duckdb'}' as ful (read_only)")
    compared = tables(con, "ful")
    assert "intermediate.int_order_items_enriched" in compared and len(compared) >= 30, compared
    different = {}
    for table in compared:
        counts = tuple(
            con.sql(
                f"select count(*) from (select * from {a}.{table} except all select * from {b}.{table})"
            ).fetchall()[0][0]
            for a, b in (("inc", "ful"), ("ful", "inc"))
        )
        if counts != (0, 0):
            different[table] = counts
    assert different == {}
    # the changes reached the published contract, so the comparison compared changed data
    orders = con.sql("select count(*) from ful.marts.customers where customer_id = 'C-NEW'").fetchall()[0][0]
    assert orders == 1
