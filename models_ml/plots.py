"""PNG plots for the Dagster UI: cumulative gain (model vs baseline), reliability diagram, importance.

Figures are drawn with matplotlib's object API on the Agg canvas (no pyplot, no display, no global
state), so they are safe inside a long-running code server.
"""

import io

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from models_ml.metrics import calibration_curve, cumulative_gain
from models_ml.training import Holdout

_SIZE = (5.0, 3.6)


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96)
    return buffer.getvalue()


def _value(holdout: Holdout) -> np.ndarray:
    """What the gain counts: positives, or (CLV) revenue."""
    return np.nan_to_num(holdout.outcome, nan=0.0)


def _candidates(holdout: Holdout) -> list[tuple[str, np.ndarray, str]]:
    """Each candidate measured on the held-out rows, with its line style: XGBoost, BG/NBD, the rule."""
    scored = (
        ("XGBoost", holdout.predicted, "-o"),
        ("BG/NBD", holdout.btyd, "-.^"),
        ("rule", holdout.baseline, "--s"),
    )
    return [(name, scores, style) for name, scores, style in scored if scores is not None]


def cumulative_gain_png(holdout: Holdout) -> bytes:
    """Share of positives (or of revenue) captured by the top x % of customers: each candidate, random."""
    figure = Figure(figsize=_SIZE)
    axes = figure.add_subplot()
    fractions = np.linspace(0, 1, 101)
    value = _value(holdout)
    for name, scores, style in _candidates(holdout):
        axes.plot(
            fractions,
            cumulative_gain(value, scores, fractions),
            style,
            label=name,
            markevery=10,
            markersize=4,
        )
    axes.plot([0, 1], [0, 1], color="grey", linewidth=0.8, label="random")
    axes.set(
        xlabel="share of customers (highest score first)",
        ylabel="share of outcome captured",
        title=f"{holdout.model}: cumulative gain, held out {np.datetime64(holdout.cutoff, 'D')}",
    )
    axes.legend(loc="lower right")
    return _png(figure)


def calibration_png(holdout: Holdout) -> bytes:
    """Reliability diagram: mean predicted probability vs observed rate, 10 equal-frequency bins."""
    figure = Figure(figsize=_SIZE)
    axes = figure.add_subplot()
    axes.plot([0, 1], [0, 1], color="grey", linewidth=0.8, label="perfect")
    for name, scores, style in _candidates(holdout):
        curve = calibration_curve(holdout.outcome, scores)
        axes.plot(curve["mean_predicted"], curve["observed_rate"], style, label=name, markersize=4)
    axes.set(
        xlabel="mean predicted probability",
        ylabel="observed rate",
        xlim=(0, 1),
        ylim=(0, 1),
        title=f"{holdout.model}: calibration, held out {np.datetime64(holdout.cutoff, 'D')}",
    )
    axes.legend(loc="upper left")
    return _png(figure)


def feature_importance_png(importance: pd.DataFrame, model: str, top: int = 15) -> bytes:
    """Horizontal bars of the `top` features by share of gain for one model."""
    rows = importance[importance["model"] == model].nsmallest(top, "importance_rank").iloc[::-1]
    figure = Figure(figsize=(_SIZE[0], max(2.0, 0.28 * len(rows) + 1)))
    axes = figure.add_subplot()
    axes.barh(rows["feature"], rows["gain_share"])
    axes.set(xlabel="share of total gain", title=f"{model}: feature importance")
    return _png(figure)


def outcomes_png(outcomes: pd.DataFrame, target: str) -> bytes | None:
    """The ledger's accuracy over time for one target: the published score beside the rule of the same
    day, once each day's horizon has passed (None before the first has)."""
    mine = outcomes[outcomes["target"] == target].sort_values("as_of")
    metric = "roc_auc" if mine["roc_auc"].notna().any() else "spearman"
    if mine.empty or mine[metric].isna().all():
        return None
    figure = Figure(figsize=_SIZE)
    axes = figure.add_subplot()
    days = pd.to_datetime(mine["as_of"])
    axes.plot(days, mine[metric], "-o", label="published score")
    axes.plot(days, mine[f"rule_{metric}"], "--s", label="rule")
    axes.set_xlabel("as_of (prediction day)")
    axes.set_ylabel(f"{metric} once the horizon passed")
    axes.set_title(f"{target}: accuracy of published predictions")
    axes.legend()
    figure.autofmt_xdate()
    return _png(figure)
