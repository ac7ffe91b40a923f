"""Control groups: deterministic, near the share, stable as an audience grows, independent per audience."""

import duckdb
import numpy as np
import pytest

from targeting.control_group import control_sql, control_threshold, is_control

IDS = [f"C{i:07d}" for i in range(100_000)]


def test_same_customer_and_audience_always_get_the_same_side():
    np.testing.assert_array_equal(
        is_control(IDS[:5000], "win_back", 0.1), is_control(IDS[:5000], "win_back", 0.1)
    )


def test_share_is_honoured_on_100k_customers():
    for share in (0.05, 0.1, 0.3):
        held_out = is_control(IDS, "win_back", share).mean()
        assert held_out == pytest.approx(share, abs=0.005)  # about 5 standard errors
    assert not is_control(IDS, "win_back", 0).any()


def test_stable_when_the_audience_grows():
    before = is_control(IDS[:40_000], "win_back", 0.1)
    after = is_control(IDS, "win_back", 0.1)
    np.testing.assert_array_equal(after[:40_000], before)
    # a larger share only moves customers into the control group, never out of it
    assert (is_control(IDS, "win_back", 0.2) >= after).all()


def test_independent_across_audiences():
    a, b = is_control(IDS, "win_back", 0.1), is_control(IDS, "lookalike", 0.1)
    assert (a != b).any()
    assert (a & b).mean() == pytest.approx(0.01, abs=0.002)  # independent draws: 0.1 x 0.1


def test_python_and_duckdb_sql_agree_on_every_customer():
    con = duckdb.connect()
    sql = f"select id, {control_sql('id', '$audience', '$threshold')} as held from ids order by id"
    con.sql(
        "create table ids as select 'C' || lpad(cast(i as varchar), 7, '0') as id from range(100000) t(i)"
    )
    for audience, share in (("win_back", 0.1), ("sms_reactivation", 0.25)):
        rows = con.sql(sql, params={"audience": audience, "threshold": control_threshold(share)}).fetchall()
        assert [row[0] for row in rows] == IDS
        np.testing.assert_array_equal(np.array([row[1] for row in rows]), is_control(IDS, audience, share))
    # integer ids are compared as text on both sides
    ints = con.sql(
        f"select {control_sql('i', '$audience', '$threshold')} from range(1000) t(i) order by i",
        params={"audience": "x", "threshold": control_threshold(0.5)},
    ).fetchall()
    np.testing.assert_array_equal([row[0] for row in ints], is_control(range(1000), "x", 0.5))


def test_threshold_is_checked():
    assert control_threshold(0.1) == "1999999a"
    assert control_threshold(0) == "00000000"
    assert control_threshold(0.9999999999) == "ffffffff"
    for bad in (-0.1, 1, 1.5, True, "0.1"):
        with pytest.raises(ValueError, match="control share must be a number in \\[0, 1\\)"):
            control_threshold(bad)
