"""A quality grade per target (Poor / Fair / Good / Excellent) a marketer can read without the metrics.

From the scoring candidate's held-out ranking metric (ROC AUC for classifiers, Spearman for spend and
next order) and its lift over the best baseline (the better of the rule and BG/NBD) on the same window:
- the metric sets the level: AUC below 0.65 Poor, below 0.75 Fair, below 0.85 Good, else Excellent;
  Spearman below 0.3 Poor, below 0.5 Fair, below 0.7 Good, else Excellent (Braze grades on the same kind
  of scale; the bands are where our held-out shops' rules and models fall);
- Excellent also needs a measured lift of at least 0.01 over the best baseline: a score a plain rule
  matches is good, not excellent;
- a withheld target has no grade.
"""

import math

GRADES = ("Poor", "Fair", "Good", "Excellent")
BANDS = {"roc_auc": (0.65, 0.75, 0.85), "spearman": (0.3, 0.5, 0.7)}
EXCELLENT_LIFT = 0.01


def grade(metric: str, value: float | None, best_baseline: float | None) -> str | None:
    """The grade of a scoring candidate whose `metric` is `value`; `best_baseline` is the best
    baseline's value of the same metric (None when the candidate is itself the best baseline)."""
    if value is None or math.isnan(value):
        return None
    level = sum(value >= band for band in BANDS[metric])
    lift = 0.0 if best_baseline is None or math.isnan(best_baseline) else value - best_baseline
    if level == len(GRADES) - 1 and lift < EXCELLENT_LIFT:
        level -= 1
    return GRADES[level]
