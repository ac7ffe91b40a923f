"""The four customer-level models (purchase, churn, CLV, next order) as training problems."""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from models_ml.baselines import (
    RF_COLUMNS,
    CellRate,
    clv_run_rate,
    horizon_window,
    next_order_cadence,
    order_rate_probability,
    rf_cells,
    run_rate_window,
)
from models_ml.boosting import Target
from models_ml.btyd_cutoffs import P_ALIVE
from models_ml.contract import CUTOFF
from models_ml.labelled import LabelledSet
from models_ml.lapsed_pool import lapsed_rows, pooled
from models_ml.run_context import RunContext
from models_ml.training import Problem, evaluate, primary_metric

_PRIOR_EPSILON = 1e-4  # keeps a certain BG/NBD score (0 or 1) at a finite margin
_UNSET = object()
_RUN_RATE_ROWS = 200_000


@dataclass(frozen=True)
class TargetSpec:
    model: str  # name in the registry and in model_metrics
    kind: str  # classifier, regressor or survival
    label: str  # column of the labels frame
    window: str  # its window column
    horizon_setting: str  # ModelConfig field with the requested horizon


CUSTOMER_TARGETS = (
    TargetSpec("purchase", "classifier", "purchase_label", "purchase_window_days", "purchase_horizon_days"),
    TargetSpec("churn", "classifier", "churn_label", "churn_window_days", "churn_horizon_days"),
    TargetSpec("clv", "regressor", "clv_label", "clv_window_days", "clv_horizon_days"),
    TargetSpec(
        "next_order", "survival", "days_to_next_order", "next_order_window_days", "next_order_horizon_days"
    ),
)


class CustomerProblem(Problem):
    """One row per customer and labelled cutoff; scores one row per customer at as_of."""

    def __init__(self, spec: TargetSpec, context: RunContext):
        self.spec, self.context = spec, context
        self.model, self.kind, self.label = spec.model, spec.kind, spec.label
        self.requested_horizon_days = getattr(context.config, spec.horizon_setting)
        labels, label_rows = context.inputs.labels, context.label_rows
        label = labels[spec.label].to_numpy(np.float64, na_value=np.nan)
        window = labels[spec.window].to_numpy(np.float64, na_value=np.nan)
        usable = (label_rows >= 0) & ~np.isnan(window)
        if spec.kind != "survival":  # a survival label is null when censored: the row still counts
            usable &= ~np.isnan(label)
        rows = label_rows[usable]
        self.labelled = LabelledSet(
            rows=rows,
            target=Target(spec.kind, label[usable], window[usable]),
            cutoff=context.design.features[CUTOFF].to_numpy("datetime64[s]")[rows],
            customer_hash=context.customer_hash[rows],
            row_hash=context.row_hash[rows],
        )
        self.names = context.design.names
        self._scoring_prior: tuple[str, np.ndarray] | None | object = _UNSET
        self._run_rate: tuple[int, ...] = ()
        # CLV: lapsed customers share one expected spend after this many days without an order (None: not
        # pooled); decided once, on the held-out window (models_ml/lapsed_pool.py)
        self.pool_after_days: float | None = None
        self._pool_settled = False

    def matrix(self, subset: LabelledSet) -> np.ndarray:
        return self.context.design.matrix(subset.rows)

    def scoring_blocks(self) -> Iterator[np.ndarray]:
        for _, matrix in self.context.scoring_chunks():
            yield matrix

    def _horizon(self) -> float:
        return self.horizon_days() or float(self.requested_horizon_days)

    def baseline(self, fit: LabelledSet | None, on: LabelledSet | None) -> np.ndarray:
        frame = self.context.frame(None if on is None else on.rows)
        if self.kind == "classifier":
            if fit is None:
                return order_rate_probability(frame, self._horizon(), self.model)
            cells = rf_cells(self.context.frame(fit.rows, RF_COLUMNS))
            return CellRate.fit(cells, fit.target.label).predict(rf_cells(frame))
        if self.kind == "regressor":
            return clv_run_rate(frame, self._horizon(), self._run_rate_window(fit))
        observed = None if fit is None else fit.target.label[~np.isnan(fit.target.label)]
        fallback = float(np.median(observed)) if observed is not None and len(observed) else self._horizon()
        return next_order_cadence(frame, fallback, self.context.config.next_order_max_days)

    def _run_rate_window(self, fit: LabelledSet | None) -> int:
        """The CLV rule's look-back, learnt on the training rows (None: no labels, the window nearest the
        horizon). Kept for the training set last asked about: the rule is made and described from it."""
        if fit is None or len(fit.rows) == 0:
            return horizon_window(self._horizon())
        key = (len(fit.rows), int(fit.rows.sum()))
        if self._run_rate[:2] != key:
            sample = slice(None, None, max(1, len(fit.rows) // _RUN_RATE_ROWS))  # a sample ranks as well
            window = run_rate_window(
                self.context.frame(fit.rows[sample]), fit.target.label[sample], self._horizon()
            )
            self._run_rate = (*key, window)
        return self._run_rate[2]

    def holdout_cutoff(self, cutoffs: np.ndarray) -> np.datetime64:
        """A next order is measured where its window is long enough to observe one: the latest cutoff at
        least a quarter of the horizon before as_of (the latest cutoff's 30 days see few next orders,
        and only the quickest ones), else the latest."""
        if self.kind != "survival":
            return cutoffs[-1]
        window = self.labelled.target.window
        needed = 0.25 * self.requested_horizon_days
        long_enough = [c for c in cutoffs if np.nanmedian(window[self.labelled.cutoff == c]) >= needed]
        return long_enough[-1] if long_enough else cutoffs[-1]

    def btyd(self, on: LabelledSet | None) -> np.ndarray | None:
        if self.kind == "survival":  # BG/NBD gives no time of the next order we could publish as a date
            return None
        rows = self.context.scoring_rows if on is None else on.rows
        horizon = self._horizon() if on is None else on.target.window
        prediction = self.context.btyd.predict(rows, horizon)
        if prediction is None:
            return None
        values = {
            "purchase": prediction.p_purchase_within,
            "churn": 1.0 - prediction.p_purchase_within,
            "clv": prediction.expected_spend,
        }[self.model]
        if np.isnan(values).all():
            return None
        # a row its cutoff's fit could not score gets the average: ranked in the middle, not dropped
        return np.where(np.isnan(values), np.nanmean(values), values)

    def prior(self, on: LabelledSet | None) -> tuple[str, np.ndarray] | None:
        """BG/NBD's score on XGBoost's own scale (log-odds; log spend for the Tweedie regressor): the trees
        then learn what the order pattern misses (seasons, campaigns, baskets, categories), and where they
        find nothing the model stays as good as BG/NBD instead of relearning it from half the customers.
        None for every row when BG/NBD has no fit at as_of: a model trained on a prior could not score."""
        if not self.context.config.boost_from_btyd:
            return None
        if self._scoring_prior is _UNSET:
            self._scoring_prior = self._margin(None)
        if self._scoring_prior is None or on is None:
            return self._scoring_prior
        return self._margin(on)

    def settle_prior(self, holdout: LabelledSet | None) -> None:
        """No prior when BG/NBD has no fit at the held-out cutoff: the model could not be measured there."""
        if self.prior(None) is not None and (holdout is None or self._margin(holdout) is None):
            self._scoring_prior = None

    def _margin(self, on: LabelledSet | None) -> tuple[str, np.ndarray] | None:
        scores = self.btyd(on)
        if scores is None:
            return None
        if self.kind == "classifier":
            p = np.clip(scores, _PRIOR_EPSILON, 1.0 - _PRIOR_EPSILON)
            return P_ALIVE, np.log(p / (1.0 - p))
        return P_ALIVE, np.log(np.maximum(scores, _PRIOR_EPSILON))

    def baseline_method(self, fit: LabelledSet | None) -> str:
        if self.kind == "classifier":
            if fit is None:
                return "order rate (Poisson), no labelled cutoff"
            return "recency x frequency cell rate on the training cutoffs"
        if self.kind == "regressor":
            return f"revenue of the last {self._run_rate_window(fit)} days scaled to the horizon"
        return "usual gap minus days since the last order"

    def pool(self, values: np.ndarray, on: LabelledSet | None) -> np.ndarray:
        if self.pool_after_days is None:
            return values
        return pooled(values, self._lapsed(None if on is None else on.rows, self.pool_after_days))

    def settle_pool(self, predicted: np.ndarray, holdout: LabelledSet) -> np.ndarray:
        """CLV only: pool lapsed customers (no order for the horizon's length) unless that lowers the
        held-out metric. With none lapsed at the held-out cutoff (a young shop) nothing says the model
        ranks them, so they are pooled."""
        if self.kind != "regressor" or self._pool_settled:
            return predicted
        self._pool_settled = True
        after = self._horizon()
        candidate = pooled(predicted, self._lapsed(holdout.rows, after))
        metric, higher = primary_metric(self.kind, self.context.config)
        raw = evaluate(self.kind, holdout, predicted)[metric]
        shared = evaluate(self.kind, holdout, candidate)[metric]
        if raw == raw and shared == shared and (shared < raw if higher else shared > raw):
            return predicted
        self.pool_after_days = after
        return candidate

    def _lapsed(self, rows: np.ndarray | None, after_days: float) -> np.ndarray:
        recency = self.context.frame(rows, ["recency_days"])
        return lapsed_rows(recency["recency_days"].to_numpy(np.float64, na_value=np.nan), after_days)

    def extra_metadata(self) -> dict:
        return {"lapsed_pooled_after_days": self.pool_after_days} if self.kind == "regressor" else {}

    def finish(self, values: np.ndarray) -> np.ndarray:
        if self.kind == "survival":
            return np.clip(values, 1.0, float(self.context.config.next_order_max_days))
        if self.kind == "regressor":
            return np.maximum(values, 0.0)
        return values
