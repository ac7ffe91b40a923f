"""No-model baselines: each is the score a shop would get from a rule, and the fallback when no model can
be trained honestly.

- purchase, churn: the empirical rate of the customer's recency × frequency cell (r_score × f_score)
  on the labelled training cutoffs, shrunk towards the overall rate in small cells. With no labelled
  cutoff at all, the customer's own order rate turned into a probability (Poisson: 1 - e^(-rate·days)).
- CLV: the customer's historical run-rate, revenue of the last 90, 180 or 365 days (the one nearest the
  horizon, unless another ranks the training cutoffs' spend clearly better) scaled to the horizon.
- next order: the customer's cadence, the usual gap minus the days since the last order.
- category: the customer's spend share of the category × their rate of buying anything in the window.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

_SHRINK = 20.0  # pseudo-rows pulling a small cell's rate towards the overall rate
_CLIP = (0.001, 0.999)


def column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A feature as float64 (NaN where missing); an absent column is all NaN (optional inputs)."""
    if name not in frame:
        return np.full(len(frame), np.nan)
    return frame[name].to_numpy(dtype=np.float64, na_value=np.nan)


RF_COLUMNS = ["r_score", "f_score"]


def rf_cells(frame: pd.DataFrame) -> np.ndarray:
    """Recency × frequency cell code (r·10 + f); 0 where either score is missing."""
    r, f = column(frame, "r_score"), column(frame, "f_score")
    known = ~(np.isnan(r) | np.isnan(f))
    return np.where(known, np.nan_to_num(r) * 10 + np.nan_to_num(f), 0).astype(np.int64)


@dataclass(frozen=True)
class CellRate:
    """Empirical outcome rate per recency × frequency cell, shrunk towards the overall rate."""

    overall: float
    rates: dict[int, float]

    @classmethod
    def fit(cls, cells: np.ndarray, outcome: np.ndarray) -> "CellRate":
        overall = float(np.mean(outcome)) if len(outcome) else 0.5
        grouped = pd.DataFrame({"cell": cells, "y": outcome}).groupby("cell")["y"].agg(["sum", "count"])
        shrunk = (grouped["sum"] + _SHRINK * overall) / (grouped["count"] + _SHRINK)
        return cls(overall, {int(k): float(v) for k, v in shrunk.items() if k != 0})

    def predict(self, cells: np.ndarray) -> np.ndarray:
        lookup = pd.Series(self.rates, dtype="float64")
        return np.clip(pd.Series(cells).map(lookup).fillna(self.overall).to_numpy(), *_CLIP)


def order_rate(frame: pd.DataFrame) -> np.ndarray:
    """Orders per day: the last 365 days where known, else the whole tenure."""
    recent = column(frame, "orders_365d") / 365.0
    lifetime = column(frame, "order_count") / np.maximum(column(frame, "tenure_days"), 30.0)
    rate = np.where(np.isnan(recent), lifetime, recent)
    return np.nan_to_num(rate, nan=0.0)


def order_rate_probability(frame: pd.DataFrame, horizon_days: float, event: str) -> np.ndarray:
    """P(an order within the horizon) from the order rate, or P(none) when `event` is 'churn'."""
    buy = 1.0 - np.exp(-order_rate(frame) * horizon_days)
    return np.clip(1.0 - buy if event == "churn" else buy, *_CLIP)


RUN_RATE_WINDOWS = (90, 180, 365)  # days of past revenue a CLV run-rate may look back over


def clv_run_rate(frame: pd.DataFrame, horizon_days: float, window_days: int = 365) -> np.ndarray:
    """Revenue of the last `window_days` scaled to the horizon: a customer with none in the window is
    expected to spend nothing (the whole tenure stands in for a year where the year is unknown)."""
    recent = column(frame, f"revenue_{window_days}d")
    if window_days == 365:
        lifetime = column(frame, "revenue") / np.maximum(column(frame, "tenure_days"), 365.0) * 365.0
        recent = np.where(np.isnan(recent), lifetime, recent)
    return np.maximum(np.nan_to_num(recent, nan=0.0), 0.0) * horizon_days / window_days


def horizon_window(horizon_days: float) -> int:
    """The run-rate window nearest the horizon (the longer on a tie)."""
    return min(RUN_RATE_WINDOWS, key=lambda window: (abs(window - horizon_days), -window))


RUN_RATE_MARGIN = 0.01  # Spearman another window must gain over the horizon's own to replace it


def run_rate_window(
    frame: pd.DataFrame, spend: np.ndarray, horizon_days: float = 365.0, margin: float = RUN_RATE_MARGIN
) -> int:
    """The look-back window of the CLV run-rate: the one nearest the horizon (the last N days' spend,
    expected again in the next N), unless another ranks `spend` better by more than `margin` (Spearman).
    Recent revenue ranks a cohort of lapsing one-time buyers better than a year's, and a year's ranks a
    seasonal shop better; which holds is the shop's, so it is learnt. The margin is there because the
    training cutoffs are earlier and younger than as_of: on CDNOW as of 1997-12-31 (182-day horizon)
    they ranked 90 days 0.005 above 180, and at as_of the 180-day run-rate ranked the real spend at
    0.495 against 0.449."""
    preferred = horizon_window(horizon_days)
    outcome = pd.Series(np.nan_to_num(spend, nan=0.0))
    if len(outcome) < 2 or outcome.nunique() < 2:
        return preferred
    ranked = {}
    for window in RUN_RATE_WINDOWS:
        rate = pd.Series(clv_run_rate(frame, 1.0, window))
        value = rate.corr(outcome, method="spearman") if rate.nunique() > 1 else np.nan
        if value == value:
            ranked[window] = value
    if not ranked:
        return preferred
    best = max(ranked, key=lambda window: (ranked[window], window))
    if preferred not in ranked or ranked[best] > ranked[preferred] + margin:
        return best
    return preferred


def next_order_cadence(frame: pd.DataFrame, fallback_days: float, max_days: float) -> np.ndarray:
    """Days until the next order if the customer keeps their usual gap; `fallback_days` without one."""
    gap = column(frame, "usual_gap_days")
    gap = np.where(np.isnan(gap), column(frame, "gap_mean_days"), gap)
    due = gap - np.nan_to_num(column(frame, "recency_days"), nan=0.0)
    # overdue by more than a whole usual gap: the rule no longer expects them (published as no date)
    due = np.where(due < -gap, max_days, due)
    return np.clip(np.where(np.isnan(due), fallback_days, due), 1.0, max_days)


# every feature a baseline reads (read once per row subset, not the whole feature frame)
BASELINE_COLUMNS = [
    "r_score",
    "f_score",
    "orders_365d",
    "order_count",
    "tenure_days",
    "revenue_90d",
    "revenue_180d",
    "revenue_365d",
    "revenue",
    "usual_gap_days",
    "gap_mean_days",
    "recency_days",
]
