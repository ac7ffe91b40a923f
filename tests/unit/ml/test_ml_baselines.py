"""The CLV rule learns how far back to look: the window nearest the horizon, unless another ranks the
training spend clearly better."""

import numpy as np
import pandas as pd

from models_ml.baselines import RUN_RATE_MARGIN, clv_run_rate, horizon_window, run_rate_window


def _shop(rng: np.random.Generator, rows: int = 4_000) -> pd.DataFrame:
    """Revenue per window of customers whose latest half year says who comes back (a lapsing cohort)."""
    old = rng.gamma(1.0, 40.0, rows) * (rng.random(rows) < 0.6)  # 180 to 365 days ago
    middle = rng.gamma(1.0, 40.0, rows) * (rng.random(rows) < 0.3)  # 90 to 180 days ago
    recent = rng.gamma(1.0, 40.0, rows) * (rng.random(rows) < 0.3)  # the last 90 days
    return pd.DataFrame(
        {
            "revenue_90d": recent,
            "revenue_180d": recent + middle,
            "revenue_365d": recent + middle + old,
            "revenue": recent + middle + old,
            "tenure_days": 400.0,
        }
    )


def test_the_window_that_ranks_the_spend_best_is_chosen():
    rng = np.random.default_rng(7)
    frame = _shop(rng)
    active = (frame["revenue_180d"] > 0).to_numpy()
    spend = np.where(active & (rng.random(len(frame)) < 0.7), rng.gamma(1.0, 50.0, len(frame)), 0.0)
    assert run_rate_window(frame, spend) == 180
    # the old purchases carry the signal instead: a year's revenue ranks it best
    loyal = (frame["revenue_365d"] - frame["revenue_180d"] > 0).to_numpy()
    assert run_rate_window(frame, np.where(loyal, 100.0, 0.0) + rng.random(len(frame))) == 365


def test_the_horizons_own_window_stays_unless_another_is_clearly_better():
    assert [horizon_window(days) for days in (30, 136, 182, 300, 365, 730)] == [90, 180, 180, 365, 365, 365]
    rng = np.random.default_rng(7)
    frame = _shop(rng)
    # who spends next is told by the last 180 days, better still by the last 90
    recent, half_year = (frame["revenue_90d"] > 0).to_numpy(), (frame["revenue_180d"] > 0).to_numpy()
    spend = np.where(half_year & (rng.random(len(frame)) < np.where(recent, 0.8, 0.3)), 50.0, 0.0)
    spearman = {
        window: pd.Series(clv_run_rate(frame, 1.0, window)).corr(pd.Series(spend), method="spearman")
        for window in (90, 180, 365)
    }
    ahead = spearman[90] - spearman[180]
    assert spearman[180] > spearman[365] + RUN_RATE_MARGIN and ahead > 0
    assert run_rate_window(frame, spend, horizon_days=182, margin=2 * ahead) == 180
    assert run_rate_window(frame, spend, horizon_days=182, margin=ahead / 2) == 90
    # a year's window, the horizon's own at 365 days, loses clearly to the best
    assert run_rate_window(frame, spend, horizon_days=365) == 90


def test_no_signal_or_no_spread_keeps_a_year():
    frame = _shop(np.random.default_rng(3))
    assert run_rate_window(frame, np.zeros(len(frame))) == 365
    assert run_rate_window(frame.drop(columns=["revenue_90d", "revenue_180d"]), np.arange(len(frame))) == 365


def test_the_run_rate_scales_the_window_to_the_horizon():
    frame = pd.DataFrame(
        {
            "revenue_90d": [90.0, 0.0],
            "revenue_365d": [np.nan, 730.0],
            "revenue": [90.0, 730.0],
            "tenure_days": [100.0, 730.0],
        }
    )
    assert clv_run_rate(frame, 30.0, 90).tolist() == [30.0, 0.0]
    # no year known: the whole tenure stands in (90 over at least 365 days)
    np.testing.assert_allclose(clv_run_rate(frame, 365.0, 365), [90.0, 730.0])
