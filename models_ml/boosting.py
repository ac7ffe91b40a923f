"""XGBoost fitting for the three kinds of model, and the fitted model (booster + calibrator) that scores.

- classifier: `binary:logistic`, calibrated afterwards on the held-out fold;
- regressor: `reg:tweedie` (many zeros, a long tail; predictions are >= 0 by the log link);
- survival: `survival:aft` with right-censoring at the label window; its prediction is the median time.

Early stopping watches the calibration fold, so a small shop gets few trees and a large one more.

A model may boost from a prior (`margin`: BG/NBD's log-odds or log spend per row, see
`Problem.prior`): the trees then learn only what the order pattern does not explain, and early stopping
keeps the prior where they find nothing. A model with a prior needs the same prior to score.
"""

from dataclasses import dataclass

import numpy as np
import xgboost as xgb

from models_ml.calibration import Calibrator
from models_ml.config import ModelConfig

KINDS = ("classifier", "regressor", "survival")
_OBJECTIVES = {
    "classifier": {"objective": "binary:logistic", "eval_metric": "logloss"},
    "regressor": {"objective": "reg:tweedie"},
    "survival": {
        "objective": "survival:aft",
        "eval_metric": "aft-nloglik",
        "aft_loss_distribution": "normal",
        "aft_loss_distribution_scale": 1.0,
    },
}
_UNTUNED_ROUNDS = 100  # when there is no fold left to stop early on


def booster_params(kind: str, config: ModelConfig) -> dict:
    params = {
        "tree_method": "hist",
        "max_depth": config.max_depth,
        "eta": config.learning_rate,
        "min_child_weight": 2.0,
        "subsample": 0.8,
        "colsample_bytree": 0.8,
        "lambda": 1.0,
        "nthread": config.n_threads,
        "seed": config.seed,
        **_OBJECTIVES[kind],
    }
    if kind == "regressor":
        params["tweedie_variance_power"] = config.tweedie_variance_power
        params["eval_metric"] = f"tweedie-nloglik@{config.tweedie_variance_power}"
    return params


@dataclass
class Target:
    """What one model learns: a label (or, for survival, interval bounds on the time)."""

    kind: str
    label: np.ndarray  # classifier: 0/1; regressor: value >= 0; survival: observed days or NaN (censored)
    window: np.ndarray | None = None  # survival: the label window, the censoring time

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        observed = ~np.isnan(self.label)
        lower = np.where(observed, np.maximum(self.label, 0.5), self.window)
        upper = np.where(observed, lower, np.inf)
        return lower.astype(np.float32), upper.astype(np.float32)

    def take(self, rows: np.ndarray) -> "Target":
        return Target(self.kind, self.label[rows], None if self.window is None else self.window[rows])


def _dmatrix(
    x: np.ndarray, target: Target, names: list[str], threads: int, margin: np.ndarray | None, ref=None
) -> xgb.QuantileDMatrix:
    common = {"feature_names": names, "nthread": threads, "base_margin": margin, "ref": ref}
    if target.kind == "survival":
        lower, upper = target.bounds()
        return xgb.QuantileDMatrix(x, label_lower_bound=lower, label_upper_bound=upper, **common)
    return xgb.QuantileDMatrix(x, label=target.label, **common)


@dataclass
class FittedModel:
    """A booster, its feature list and (classifiers) its calibrator: everything needed to score."""

    kind: str
    booster: xgb.Booster
    features: list[str]
    calibrator: Calibrator | None = None
    # the feature that stands for the prior in reasons (e.g. btyd_p_alive); None: boosted from nothing
    prior: str | None = None

    def _margin(self, margin: np.ndarray | None, rows: int) -> np.ndarray | None:
        if self.prior is None:
            return None
        if margin is None or len(margin) != rows:
            raise ValueError(
                f"this model boosts from the {self.prior} prior: pass its margin for {rows} rows"
            )
        return margin

    def raw(self, x: np.ndarray, margin: np.ndarray | None = None) -> np.ndarray:
        """The booster's own output: probability, expected value, or median days."""
        base = self._margin(margin, len(x))
        return self.booster.inplace_predict(x, validate_features=False, base_margin=base).astype(np.float64)

    def predict(self, x: np.ndarray, margin: np.ndarray | None = None) -> np.ndarray:
        raw = self.raw(x, margin)
        return self.calibrator.apply(raw) if self.calibrator is not None else raw

    def contributions(
        self,
        x: np.ndarray,
        exact: bool = False,
        margin: np.ndarray | None = None,
        margin_mean: float | None = None,
    ) -> np.ndarray:
        """Per-feature contributions in margin units (log-odds for classifiers); last column is the bias.

        By default the path attribution XGBoost calls `approx_contribs` (Saabas): exact TreeSHAP costs
        about 50 times more, minutes per model for 1 M customers on two cores, for the same top reasons
        in nearly every case. A prior's part is credited to the feature that stands for it (its spread
        around the mean; the mean goes to the bias), so reasons still name the order pattern.
        """
        base = self._margin(margin, len(x))
        matrix = xgb.DMatrix(x, feature_names=self.features, base_margin=base, nthread=_threads(self.booster))
        contributions = self.booster.predict(matrix, pred_contribs=True, approx_contribs=not exact)
        if base is not None and len(base) and self.prior in self.features:  # the bias holds the margin
            spread = base - (float(np.mean(base)) if margin_mean is None else margin_mean)
            contributions[:, -1] -= spread
            contributions[:, self.features.index(self.prior)] += spread
        return contributions

    @property
    def rounds(self) -> int:
        return self.booster.num_boosted_rounds()


def _threads(booster: xgb.Booster) -> int:
    return int(booster.attr("nthread") or 1)


def fit_model(
    kind: str,
    x: np.ndarray,
    target: Target,
    calibration: np.ndarray,
    names: list[str],
    config: ModelConfig,
    rounds: int | None = None,
    prior: tuple[str, np.ndarray] | None = None,
) -> FittedModel:
    """Fit on the rows outside `calibration` and calibrate on the rows inside it.

    Without `rounds`, boosting stops early on the calibration rows; with it (the refit on every
    cutoff reuses the evaluated model's count), exactly that many rounds are grown, which spares the
    per-round evaluation. `prior` is (the feature that stands for it, each row's margin).
    """
    margin = None if prior is None else np.asarray(prior[1], dtype=np.float32)
    params = booster_params(kind, config)
    fit_rows, calib_rows = np.flatnonzero(~calibration), np.flatnonzero(calibration)
    if len(calib_rows) == 0 or len(fit_rows) == 0:  # too small to split: fit all, fixed rounds
        fit_rows, calib_rows = np.arange(len(x)), np.empty(0, dtype=np.int64)

    def rows_margin(rows: np.ndarray) -> np.ndarray | None:
        return None if margin is None else margin[rows]

    train = _dmatrix(x[fit_rows], target.take(fit_rows), names, config.n_threads, rows_margin(fit_rows))
    if rounds is None and len(calib_rows):
        valid = _dmatrix(
            x[calib_rows],
            target.take(calib_rows),
            names,
            config.n_threads,
            rows_margin(calib_rows),
            ref=train,
        )
        booster = xgb.train(
            params,
            train,
            num_boost_round=config.max_rounds,
            evals=[(valid, "calibration")],
            early_stopping_rounds=config.early_stopping_rounds,
            verbose_eval=False,
        )
        booster = booster[: booster.best_iteration + 1]
    else:
        booster = xgb.train(params, train, num_boost_round=rounds or min(_UNTUNED_ROUNDS, config.max_rounds))
    booster.set_attr(nthread=str(config.n_threads))
    booster.set_param({"nthread": config.n_threads})
    model = FittedModel(kind, booster, list(names), prior=None if prior is None else prior[0])
    if kind == "classifier":
        raw = model.raw(x[calib_rows], rows_margin(calib_rows)) if len(calib_rows) else np.empty(0)
        model.calibrator = Calibrator.fit(raw, target.label[calib_rows], config.calibration_method)
    return model
