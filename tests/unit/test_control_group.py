"""Control groups: exactly round(share × members), deterministic, mostly stable as an audience grows,
independent per audience, the same in Python and DuckDB SQL."""

import duckdb
import numpy as np
import pytest

from targeting.control_group import control_size, control_sql, is_control

IDS = [f"C{i:07d}" for i in range(20_000)]


def test_same_customer_and_audience_always_get_the_same_side():
    np.testing.assert_array_equal(
        is_control(IDS[:5000], "win_back", 0.1), is_control(IDS[:5000], "win_back", 0.1)
    )


@pytest.mark.parametrize(
    ("members", "share", "held"), [(30, 0.1, 3), (5, 0.1, 1), (4, 0.1, 0), (20_000, 0.05, 1000)]
)
def test_exactly_round_share_times_members_are_held_out(members, share, held):
    assert control_size(members, share) == held
    assert is_control(IDS[:members], "win_back", share).sum() == held
    assert not is_control(IDS[:members], "win_back", 0).any()


def test_mostly_stable_when_the_audience_grows():
    before = is_control(IDS[:8_000], "win_back", 0.1)
    after = is_control(IDS, "win_back", 0.1)
    # only members near the cut change side: the draws of the others do not move
    assert (after[:8_000] == before).mean() > 0.98
    # a larger share only moves customers into the control group, never out of it
    assert (is_control(IDS, "win_back", 0.2) >= after).all()


def test_independent_across_audiences():
    a, b = is_control(IDS, "win_back", 0.1), is_control(IDS, "lookalike", 0.1)
    assert (a != b).any()
    assert (a & b).mean() == pytest.approx(0.01, abs=0.003)  # independent draws: 0.1 x 0.1


def test_python_and_duckdb_sql_agree_on_every_customer():
    con = duckdb.connect()
    sql = f"select id, {control_sql('id', '$audience', '$share')} as held from ids order by id"
    con.sql("create table ids as select 'C' || lpad(cast(i as varchar), 7, '0') as id from range(20000) t(i)")
    for audience, share in (("win_back", 0.1), ("sms_reactivation", 0.25)):
        rows = con.sql(sql, params={"audience": audience, "share": share}).fetchall()
        assert [row[0] for row in rows] == IDS
        np.testing.assert_array_equal(np.array([row[1] for row in rows]), is_control(IDS, audience, share))
    # integer ids are compared as text on both sides
    ints = con.sql(
        f"select i, {control_sql('i', '$audience', '$share')} from range(1000) t(i) order by i",
        params={"audience": "x", "share": 0.5},
    ).fetchall()
    np.testing.assert_array_equal([row[1] for row in ints], is_control(range(1000), "x", 0.5))


def test_share_is_checked():
    for bad in (-0.1, 1, 1.5, True, "0.1"):
        with pytest.raises(ValueError, match="control share must be a number in \\[0, 1\\)"):
            control_size(10, bad)
