"""Which candidate scores a target: the best of XGBoost, BG/NBD and the rule on the held-out window, or
none (the target is withheld) when no candidate is measured at or above its floor.

The one place the selection rule lives (docs/predictions.md quotes it):
- every candidate is measured on the same held-out cutoff, by the target's primary metric;
- a candidate is usable when that metric is computable and at least the floor (ROC AUC >= auc_floor for
  classifiers, Spearman >= spearman_floor for spend and next-order targets);
- the usable candidate with the best metric scores; on a tie the simpler one (rule, then BG/NBD, then
  XGBoost), since it is cheaper and easier to explain;
- with no usable candidate the target is withheld, and the reason names each candidate's number and
  the floor.
"""

import math
from dataclasses import dataclass

SOURCES = ("model", "btyd", "rule", "withheld")
# simplest first: a tie goes to the candidate earlier in this list
CANDIDATES = ("rule", "btyd", "model")
LABELS = {"rule": "rule", "btyd": "BG/NBD", "model": "model"}


@dataclass(frozen=True)
class Floor:
    """The lowest acceptable value of the metric every candidate of a target is gated on."""

    metric: str  # roc_auc or spearman
    value: float


@dataclass(frozen=True)
class Selection:
    source: str  # one of SOURCES
    reason: str  # one line a person reads on the console and in model_metrics.reason


def _measured(value: float | None) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _fmt(value: float | None) -> str:
    return f"{value:.3f}" if _measured(value) else "n/a"


def select_candidate(
    primary: str,
    higher_is_better: bool,
    floor: Floor,
    metrics: dict[str, dict],
    unavailable: dict[str, str] | None = None,
) -> Selection:
    """`metrics`: each measured candidate's held-out metrics by name (rule, btyd, model); `unavailable`:
    why a candidate was not measured (e.g. 'model': 'too few positives to train')."""
    unavailable = unavailable or {}
    usable = {
        name: values[primary]
        for name, values in metrics.items()
        if _measured(values.get(primary))
        and _measured(values.get(floor.metric))
        and values[floor.metric] >= floor.value
    }
    if not usable:
        measured = [f"{LABELS[n]} {_fmt(v.get(floor.metric))}" for n, v in _ordered(metrics)]
        why = ", ".join(measured) or "no candidate measured"
        return Selection("withheld", f"no candidate reaches {floor.metric} {floor.value:g} ({why})")
    sign = 1.0 if higher_is_better else -1.0
    best = max(usable, key=lambda name: (sign * usable[name], -CANDIDATES.index(name)))
    others = [
        f"{LABELS[n]} {_fmt(v.get(primary))}"
        for n, v in _ordered(metrics)
        if n != best and _measured(v.get(primary))
    ]
    versus = f" vs {', '.join(others)}" if others else ", the only candidate measured"
    reason = f"{primary} {usable[best]:.3f}{versus}"
    if best != "model" and "model" in unavailable:
        reason += f"; model not trained: {unavailable['model']}"
    return Selection(best, reason)


def _ordered(metrics: dict[str, dict]) -> list[tuple[str, dict]]:
    return [(name, metrics[name]) for name in CANDIDATES if name in metrics]


def floor_of(kind: str, auc_floor: float, spearman_floor: float) -> Floor:
    """Classifiers are gated on ROC AUC, spend and next-order targets on Spearman rank correlation."""
    return Floor("roc_auc", auc_floor) if kind == "classifier" else Floor("spearman", spearman_floor)
