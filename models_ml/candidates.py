"""Which candidate scores a target: the best of XGBoost, BG/NBD and the rule on the held-out window, or
none (the target is withheld) when no candidate is measured at or above its floor.

The one place the selection rule lives (docs/predictions.md quotes it):
- every candidate is measured on the same held-out cutoff, by the target's primary metric;
- a candidate is usable when its gating metric (ROC AUC for classifiers, Spearman for spend and next
  order) is computable and *surely* at least the floor: the value less `z` standard errors (Hanley &
  McNeil 1982 for an AUC, 1.06 / sqrt(n - 3) for a Spearman, Fieller et al. 1957) must reach
  auc_floor / spearman_floor. On a few hundred customers one held-out window is noisy: XGBoost drew
  held-out AUCs from 0.50 to 0.68 over three seeds on a shop whose purchases are pure chance, and the
  best of three candidates is flattered further. z = 2 keeps such noise out; on thousands of customers
  the margin is a hundredth or two;
- the usable candidate with the best metric scores, but a more complex one (rule, then BG/NBD, then
  XGBoost) must beat a simpler one by more than `margin` (0.005 of AUC or Spearman): XGBoost boosted from
  BG/NBD's score ties with it where it finds nothing more, and a tie goes to the simpler candidate, which
  is cheaper and easier to explain;
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
    """The lowest acceptable value of the metric every candidate of a target is gated on, and how sure
    the held-out measurement must be of it."""

    metric: str  # roc_auc or spearman
    value: float
    z: float = 2.0  # standard errors the measured value must clear the floor by
    positives: int = 0  # held-out rows with the outcome (AUC) / rows the Spearman is measured on
    negatives: int = 0  # held-out rows without it (AUC only)

    def standard_error(self, value: float) -> float:
        if self.metric == "roc_auc":
            return auc_standard_error(value, self.positives, self.negatives)
        return 1.06 / math.sqrt(max(self.positives - 3, 1))

    def lower_bound(self, value: float) -> float:
        return value - self.z * self.standard_error(value)


def auc_standard_error(auc: float, positives: int, negatives: int) -> float:
    """Hanley & McNeil (1982): the standard error of a ROC AUC from its value and the class sizes."""
    if positives < 1 or negatives < 1:
        return math.inf
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    variance = auc * (1 - auc) + (positives - 1) * (q1 - auc**2) + (negatives - 1) * (q2 - auc**2)
    return math.sqrt(max(variance, 0.0) / (positives * negatives))


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
    margin: float = 0.0,
) -> Selection:
    """`metrics`: each measured candidate's held-out metrics by name (rule, btyd, model); `unavailable`:
    why a candidate was not measured (e.g. 'model': 'too few positives to train'); `margin`: what a more
    complex candidate must beat a simpler one by."""
    unavailable = unavailable or {}
    usable = {
        name: values[primary]
        for name, values in metrics.items()
        if _measured(values.get(primary))
        and _measured(values.get(floor.metric))
        and floor.lower_bound(values[floor.metric]) >= floor.value
    }
    if not usable:
        measured = [_with_margin(LABELS[n], v.get(floor.metric), floor) for n, v in _ordered(metrics)]
        why = ", ".join(measured) or "no candidate measured"
        return Selection("withheld", f"no candidate surely reaches {floor.metric} {floor.value:g} ({why})")
    sign = 1.0 if higher_is_better else -1.0
    best = None
    for name in (n for n in CANDIDATES if n in usable):  # simplest first
        if best is None or sign * (usable[name] - usable[best]) > margin:
            best = name
    close = [
        LABELS[n]
        for n in usable
        if CANDIDATES.index(n) > CANDIDATES.index(best) and sign * (usable[n] - usable[best]) > 0
    ]
    others = [
        f"{LABELS[n]} {_fmt(v.get(primary))}"
        for n, v in _ordered(metrics)
        if n != best and _measured(v.get(primary))
    ]
    versus = f" vs {', '.join(others)}" if others else ", the only candidate measured"
    reason = f"{primary} {usable[best]:.3f}{versus}"
    if close:
        reason += f"; {' and '.join(close)} not ahead by more than {margin:g}"
    if best != "model" and "model" in unavailable:
        reason += f"; model not trained: {unavailable['model']}"
    return Selection(best, reason)


def _with_margin(label: str, value: float | None, floor: Floor) -> str:
    if not _measured(value):
        return f"{label} n/a"
    return f"{label} {value:.3f} ± {floor.z * floor.standard_error(value):.3f}"


def _ordered(metrics: dict[str, dict]) -> list[tuple[str, dict]]:
    return [(name, metrics[name]) for name in CANDIDATES if name in metrics]


def floor_of(
    kind: str, auc_floor: float, spearman_floor: float, z: float, positives: int, rows: int
) -> Floor:
    """Classifiers are gated on ROC AUC, spend and next-order targets on Spearman rank correlation (a
    next order's over the rows whose next order was observed, CLV's over every row)."""
    if kind == "classifier":
        return Floor("roc_auc", auc_floor, z, positives, rows - positives)
    return Floor("spearman", spearman_floor, z, positives if kind == "survival" else rows)
