"""Whether a target can be predicted at all for this shop: enough customers, a label window long enough,
and both outcomes in the held-out window. An ineligible target is withheld, whoever would score it.

The thresholds and why (ModelConfig; docs/predictions.md):
- min_customers (200): customers with orders at as_of. Under it, a held-out window of one cutoff holds too
  few customers for a ranking metric to mean anything (peers: Klaviyo waits for 500).
- min_holdout_outcomes (10), for both outcomes: positives and negatives in the held-out window. Fewer
  and an AUC or Spearman is hardly defined; above it, how sure a measurement is is the floor's margin of
  two standard errors (candidates.py), which grows as the counts shrink. A 500-customer shop has about
  15 buyers in a 30-day window on its held-out half; its rule's AUC of 0.93 is sure enough to publish.
  Training XGBoost needs more (min_positives, 30, on the training cutoffs; Segment asks for 100).
- min_horizon_share (0.2): a short history shrinks a label window; under a fifth of the requested
  horizon it answers a different question than the column's name says (90 of 365 days still passes).
"""

from typing import TYPE_CHECKING

from models_ml.config import ModelConfig
from models_ml.labelled import LabelledSet

if TYPE_CHECKING:
    from models_ml.training import Problem

_OUTCOMES = {
    "classifier": ("positives", "negatives"),
    "regressor": ("customers who spent", None),
    "survival": ("customers who ordered again", None),
}


def implausible_rate(holdout: LabelledSet, train: LabelledSet | None) -> str | None:
    """Label sanity: a held-out positive rate far outside the shop's own history (a broken export, a
    changed definition) says the labels, not the customers, changed. Far means beyond a third of the
    lowest training cutoff's rate, or beyond a third of the way from the highest to 1."""
    if train is None or holdout.target.kind != "classifier" or len(train.cutoffs) < 2:
        return None
    rates = [float(train.positive[train.cutoff == c].mean()) for c in train.cutoffs]
    low, high = min(rates) / 3, 1 - (1 - max(rates)) / 3
    rate = holdout.positives / max(len(holdout), 1)
    if low <= rate <= high:
        return None
    cutoff = str(holdout.cutoff[0].astype("datetime64[D]"))
    return (
        f"labels look broken: positive rate {rate:.1%} in the held-out window {cutoff}, the shop's history "
        f"{min(rates):.1%}-{max(rates):.1%} over {len(rates)} cutoffs"
    )


def ineligibility(problem: "Problem", holdout: LabelledSet | None, config: ModelConfig) -> str | None:
    """Why `problem` cannot be predicted honestly (both numbers), or None when it can."""
    customers = len(problem.context.scoring_customers)
    if customers < config.min_customers:
        return f"{customers} customers with orders, needs {config.min_customers}"
    if holdout is None:
        return f"no labelled cutoff: every {problem.label} window ends after as_of (history too short)"
    used, requested = problem.horizon_days(), problem.requested_horizon_days
    # a survival label's window is only its censoring time (cutoff to as_of), not a horizon it answers for
    if problem.kind != "survival" and used is not None and used < config.min_horizon_share * requested:
        needed = config.min_horizon_share * requested
        return f"label window {used:g} days, needs {needed:.0f} ({config.min_horizon_share:g} of {requested})"
    positive, negative = _OUTCOMES[problem.kind]
    cutoff = str(holdout.cutoff[0].astype("datetime64[D]"))
    least = config.min_holdout_outcomes
    if holdout.positives < least:
        return f"{holdout.positives} {positive} in the held-out window {cutoff}, needs {least}"
    negatives = len(holdout) - holdout.positives
    if negative and negatives < least:
        return f"{negatives} {negative} in the held-out window {cutoff}, needs {least}"
    return None
