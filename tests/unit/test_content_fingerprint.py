"""The content fingerprint publishing compares (pipeline.engine.duckdb_tables.content_fingerprint): equal
for the same rows in any order and for floating-point noise, different for any real change."""

import duckdb
import pytest

from pipeline.engine.duckdb_tables import content_fingerprint


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute(
        "create table base as select 'c' || i as customer_id, i * 1.5 as revenue, i % 3 = 0 as flag, "
        "timestamp '2025-01-01' + to_days(i::int) as seen_at from range(50) as r(i)"
    )
    return con


def _variant(con, sql: str) -> str:
    con.execute(f"create or replace table variant as {sql}")
    return content_fingerprint(con, "variant")


def test_the_same_rows_in_another_order_match(con):
    assert _variant(con, "select * from base order by random()") == content_fingerprint(con, "base")


def test_floating_point_noise_from_a_parallel_sum_is_not_a_change(con):
    # 0.1 + 0.2 is 0.30000000000000004: what another summation order gives for the same data
    columns = "::double as share, 1e300::double as big, {}::double as zero, 'nan'::double as nan"
    noisy = _variant(con, "select 0.1::double + 0.2" + columns.format("0.0"))
    assert noisy == _variant(con, "select 0.3" + columns.format("-0.0"))
    assert noisy != _variant(con, "select 0.3000001" + columns.format("0.0"))


@pytest.mark.parametrize(
    "changed",
    [
        "select * replace (revenue * 1.000001 as revenue) from base",  # a real change in the 7th digit
        "select * replace (if(customer_id = 'c7', null, revenue) as revenue) from base",  # a value gone
        "select * from base union all select * from base where customer_id = 'c1'",  # a duplicate row
        "select * from base where customer_id <> 'c1'",  # a row gone
        "select * rename (flag as is_flagged) from base",  # a column renamed
        "select * replace (revenue::decimal(18, 2) as revenue) from base",  # a type changed
        "select * replace (if(customer_id = 'c7', not flag, flag) as flag) from base",  # one boolean
    ],
)
def test_any_real_change_gives_another_fingerprint(con, changed):
    assert _variant(con, changed) != content_fingerprint(con, "base")
