"""The ladder for one target: hold out the latest labelled cutoff; measure the rule, BG/NBD and XGBoost
(trained on the earlier cutoffs, champion or challenger) on it; the best candidate at or above its floor
scores as_of (models_ml/candidates.py), and an ineligible target or one no candidate serves is withheld
(models_ml/eligibility.py). Every decision and its reason is recorded in `TargetRun`.
"""

import math
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from models_ml.boosting import FittedModel, booster_params, fit_model
from models_ml.candidates import Selection, floor_of, select_candidate
from models_ml.champion import ChampionDecision, decide_champion, retrain_due
from models_ml.config import ModelConfig
from models_ml.design import model_columns
from models_ml.eligibility import implausible_rate, ineligibility
from models_ml.grade import grade
from models_ml.labelled import LabelledSet
from models_ml.metrics import classifier_metrics, regressor_metrics
from models_ml.registry import ModelBundle, version_id
from models_ml.sampling import calibration_fold, evaluation_fold, stratified_sample, uniform_sample

RULE_VERSION = "rule"
BTYD_VERSION = "btyd"
WITHHELD_VERSION = "withheld"


def _day(value: np.datetime64) -> str:
    return str(np.datetime64(value, "D"))


class Problem(ABC):
    """One model's data: its labelled rows, how to build their matrix, its baseline and scoring rows."""

    model: str
    kind: str
    label: str
    requested_horizon_days: int
    labelled: LabelledSet
    names: list[str]

    @abstractmethod
    def matrix(self, subset: LabelledSet) -> np.ndarray:
        """Feature matrix of labelled rows, columns in `names` order."""

    @abstractmethod
    def scoring_blocks(self) -> Iterator[np.ndarray]:
        """Feature matrices of the rows to score (`names` order); scores are concatenated in order."""

    @abstractmethod
    def baseline(self, fit: LabelledSet | None, on: LabelledSet | None) -> np.ndarray:
        """Baseline scores of `on` (None: the scoring rows), learnt from `fit` (None: no labels)."""

    @abstractmethod
    def baseline_method(self, fit: LabelledSet | None) -> str:
        """How the baseline is made, in a few words (recorded in the metrics)."""

    def holdout_cutoff(self, cutoffs: np.ndarray) -> np.datetime64:
        """The labelled cutoff every candidate is measured on: the latest, by default."""
        return cutoffs[-1]

    def btyd(self, on: LabelledSet | None) -> np.ndarray | None:
        """BG/NBD + Gamma-Gamma scores of `on` (None: the scoring rows); None where the target has none."""
        return None

    def prior(self, on: LabelledSet | None) -> tuple[str, np.ndarray] | None:
        """What XGBoost boosts from for `on` (None: the scoring rows): the feature that stands for it in
        reasons and each row's margin; None: boosted from nothing."""
        return None

    def settle_prior(self, holdout: LabelledSet | None) -> None:
        """Decide, before anything is fitted, whether to boost from the prior at all (a model trained on
        one needs it wherever it predicts: the held-out rows and everyone at as_of)."""
        return None

    def finish(self, values: np.ndarray) -> np.ndarray:
        """Turn model output into the published score (e.g. cap survival days)."""
        return values

    def pool(self, values: np.ndarray, on: LabelledSet | None) -> np.ndarray:
        """The model's finished scores of `on` (None: the scoring rows) with customers it cannot tell apart
        sharing one value, once `settle_pool` decided to; as they are by default."""
        return values

    def settle_pool(self, predicted: np.ndarray, holdout: LabelledSet) -> np.ndarray:
        """Decide on the model's held-out scores whether `pool` pools; returns the held-out scores as the
        model candidate is measured (as they are by default)."""
        return predicted

    def incompatibility(self, bundle: ModelBundle) -> str | None:
        """Why a stored model cannot score today's rows (None when it can)."""
        present = set(self.names)
        if missing := [f for f in bundle.features if f not in present]:
            return f"{len(missing)} of its features are missing now ({', '.join(missing[:5])})"
        if bundle.final.prior and self.prior(None) is None:
            return f"it boosts from the {bundle.final.prior} prior, which could not be computed this run"
        return None

    def horizon_days(self) -> float | None:
        """The label window actually used (most common across the labelled rows)."""
        window = self.labelled.target.window
        if window is None or len(window) == 0:
            return None
        return float(pd.Series(window).mode().iloc[0])

    def extra_metadata(self) -> dict:
        return {}


@dataclass
class Holdout:
    """The held-out cutoff's outcomes beside the model's and the baseline's scores (for plots)."""

    model: str
    kind: str
    cutoff: np.datetime64
    outcome: np.ndarray
    baseline: np.ndarray
    predicted: np.ndarray | None = None
    window: np.ndarray | None = None
    category: np.ndarray | None = None  # category propensity: each row's category index
    btyd: np.ndarray | None = None  # BG/NBD's scores, where the target has them


@dataclass
class TargetRun:
    """Everything one model did this run: where its scores came from, why, and how it measured up."""

    model: str
    kind: str
    label: str
    source: str  # 'model', 'btyd', 'rule' or 'withheld' (models_ml.candidates.SOURCES)
    reason: str
    scores: np.ndarray
    baseline_scores: np.ndarray
    version: str
    decision: ChampionDecision
    baseline_method: str
    scoring_model: FittedModel | None = None
    scoring_margin: np.ndarray | None = None  # the scoring rows' prior, where the scoring model has one
    bundle: ModelBundle | None = None  # the bundle that scored (champion after the decision)
    trained: ModelBundle | None = None  # the challenger trained this run, to save in the registry
    holdout: Holdout | None = None
    metrics: dict = field(default_factory=dict)
    baseline_metrics: dict = field(default_factory=dict)  # the rule's
    btyd_metrics: dict = field(default_factory=dict)
    model_metrics: dict = field(default_factory=dict)  # XGBoost's, whether it scores or not
    stats: dict = field(default_factory=dict)
    trained_this_run: bool = False
    grade: str | None = None


def primary_metric(kind: str, config: ModelConfig) -> tuple[str, bool]:
    """The metric champion/challenger compares on, and whether higher is better."""
    if kind == "classifier":
        return "roc_auc", True
    return config.regressor_primary_metric, config.regressor_primary_metric != "mae"


def evaluate(kind: str, subset: LabelledSet, predicted: np.ndarray) -> dict[str, float]:
    label = subset.target.label
    if kind == "classifier":
        return classifier_metrics(label, predicted)
    if kind == "regressor":
        return regressor_metrics(label, predicted)
    observed = ~np.isnan(label)
    metrics = regressor_metrics(label[observed], predicted[observed])
    both = 0 < observed.sum() < len(observed)  # ordered within the window vs not, ranked by -days
    metrics["roc_auc"] = float(roc_auc_score(observed, -predicted)) if both else float("nan")
    return metrics


def _shortfall(subset: LabelledSet, where: str, kind: str, config: ModelConfig) -> str | None:
    customers, positives = subset.customers, subset.positives
    # min_customers counts the whole shop; XGBoost trains on the other half of it (evaluation_fold)
    least = config.min_customers // 2
    if customers < least:
        return f"{where}: {customers} customers in the training half (< {least}, half of min_customers)"
    noun = {"classifier": "positives", "regressor": "non-zero labels", "survival": "observed next orders"}[
        kind
    ]
    if positives < config.min_positives:
        return f"{where}: {positives} {noun} (< min_positives {config.min_positives})"
    if kind == "classifier" and len(subset) - positives < config.min_positives:
        return f"{where}: {len(subset) - positives} negatives (< min_positives {config.min_positives})"
    return None


class _Runner:
    """The steps of `run_problem`, sharing the problem, config, champion and clock."""

    def __init__(self, problem: Problem, config: ModelConfig, champion: ModelBundle | None, now: datetime):
        self.problem, self.config, self.champion, self.now = problem, config, champion, now
        self.kind = problem.kind

    def fit(self, subset: LabelledSet, rounds: int | None = None) -> tuple[FittedModel, int]:
        sample = subset.take(stratified_sample(subset.row_hash, subset.strata, self.config.sample_size))
        calibration = calibration_fold(sample.customer_hash, self.config.calibration_fraction)
        matrix = self.problem.matrix(sample)
        model = fit_model(
            self.kind,
            matrix,
            sample.target,
            calibration,
            self.problem.names,
            self.config,
            rounds,
            self.problem.prior(sample),
        )
        return model, len(sample)

    def predict(self, model: FittedModel, matrix: np.ndarray, margin: np.ndarray | None = None) -> np.ndarray:
        columns = model_columns(matrix, self.problem.names, model.features)
        return self.problem.finish(model.predict(columns, margin))

    def predict_rows(self, model: FittedModel, subset: LabelledSet) -> np.ndarray:
        prior = self.problem.prior(subset) if model.prior else None
        values = self.predict(model, self.problem.matrix(subset), None if prior is None else prior[1])
        return self.problem.pool(values, subset)

    def score(self, model: FittedModel) -> np.ndarray:
        prior = self.problem.prior(None) if model.prior else None
        margin = None if prior is None else prior[1]
        scores, start = [], 0
        for block in self.problem.scoring_blocks():
            block_margin = None if margin is None else margin[start : start + len(block)]
            scores.append(self.predict(model, block, block_margin))
            start += len(block)
        return self.problem.pool(np.concatenate(scores), None)

    def bundle(
        self, final: FittedModel, evaluation: FittedModel, stats: dict, metrics: dict, baseline_metrics: dict
    ) -> ModelBundle:
        version = version_id(self.problem.model, self.now, final)
        metadata = {
            "label": self.problem.label,
            "final_training_cutoffs": stats["final_cutoffs"],
            "evaluation_training_cutoffs": stats["train_cutoffs"],
            "holdout_cutoff": stats["holdout_cutoff"],
            "horizon_days": stats["horizon_days"],
            "requested_horizon_days": stats["requested_horizon_days"],
            "sample_size": stats["final_sample_rows"],
            "evaluation_sample_size": stats["train_sample_rows"],
            "sample_limit": self.config.sample_size,
            "rounds": final.rounds,
            "booster_params": booster_params(self.kind, self.config),
            "metrics": _clean(metrics),
            "baseline_metrics": _clean(baseline_metrics),
            **self.problem.extra_metadata(),
        }
        return ModelBundle(self.problem.model, version, self.now, final, evaluation, metadata)


def _clean(metrics: dict) -> dict:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in metrics.items()}


def run_problem(
    problem: Problem,
    config: ModelConfig,
    champion: ModelBundle | None,
    now: datetime,
    last_trained: datetime | None = None,
) -> TargetRun:
    """Evaluate, (re)train, decide and score one model (see the module docstring). `last_trained` is when
    an XGBoost model of this target was last trained, champion or not: one that lost to BG/NBD or the rule
    is no champion, yet training again before the cadence is due would cost every run a fit."""
    run = _Runner(problem, config, champion, now)
    labelled, kind = problem.labelled, problem.kind
    cutoffs = labelled.cutoffs
    stats: dict = {
        "requested_horizon_days": problem.requested_horizon_days,
        "horizon_days": problem.horizon_days(),
        "final_cutoffs": [_day(c) for c in cutoffs],
        "final": labelled.counts(),
        "train_cutoffs": [],
        "holdout_cutoff": None,
        "train_sample_rows": 0,
        "final_sample_rows": 0,
    }

    # 1. Split by time: the latest labelled cutoff is held out; the earlier ones train the model.
    train = holdout = None
    model_reason = None
    if len(cutoffs):
        holdout_cutoff = problem.holdout_cutoff(cutoffs)
        # measured on one half of the customers, trained on the other (sampling.evaluation_fold says why)
        measured_on = evaluation_fold(labelled.customer_hash)
        holdout = labelled.where((labelled.cutoff == holdout_cutoff) & measured_on)
        holdout = holdout.take(uniform_sample(holdout.row_hash, config.evaluation_sample_size))
        train = labelled.where((labelled.cutoff < holdout_cutoff) & ~measured_on)
        stats |= {
            "train_cutoffs": [_day(c) for c in train.cutoffs],
            "holdout_cutoff": _day(holdout_cutoff),
            "train": train.counts(),
            "holdout": holdout.counts(),
        }
        if len(holdout) == 0:  # a handful of customers, none of them in the measured half
            holdout = None
        if len(train) == 0:
            model_reason = (
                f"one labelled cutoff ({_day(holdout_cutoff)}): none earlier to train on"
                if len(cutoffs) == 1
                else f"no labelled row before {_day(holdout_cutoff)} in the training half of the customers"
            )
            train = None
        else:
            where = f"training cutoffs before {_day(holdout_cutoff)}"
            model_reason = _shortfall(train, where, kind, config)
    problem.settle_prior(holdout)
    # 2. Is the target eligible at all (customers, history, both outcomes in the held-out window)?
    withheld_reason = ineligibility(problem, holdout, config)
    if withheld_reason is None and holdout is not None:
        withheld_reason = implausible_rate(holdout, train)

    # 3. The baselines (rule and BG/NBD), on the held-out rows and for everyone.
    record = None
    baseline_metrics: dict = {}
    btyd_metrics: dict = {}
    if holdout is not None:
        record = Holdout(
            problem.model,
            kind,
            holdout.cutoff[0],
            holdout.target.label,
            problem.baseline(train, holdout),
            window=holdout.target.window,
            category=holdout.category,
            btyd=problem.btyd(holdout),
        )
        baseline_metrics = evaluate(kind, holdout, record.baseline)
        if record.btyd is not None:
            btyd_metrics = evaluate(kind, holdout, record.btyd)
    fit_for_baseline = labelled if len(labelled) else None
    baseline_scores = problem.baseline(fit_for_baseline, None)
    baseline_method = problem.baseline_method(fit_for_baseline)

    # 4. Champion status: compatible with today's features? Retraining due?
    champion_problem = problem.incompatibility(champion) if champion is not None else None
    usable_champion = champion if champion is not None and champion_problem is None else None
    trained_at = usable_champion.trained_at if usable_champion is not None else None
    if trained_at is not None and last_trained is not None:
        trained_at = max(trained_at, last_trained)
    due = usable_champion is None or retrain_due(trained_at, now, config.retrain_every_hours)

    # 5. The challenger: evaluated on the held-out cutoff, then refitted on every labelled cutoff.
    challenger = None
    metrics: dict = {}
    if withheld_reason is None and model_reason is None and due:
        evaluation_model, stats["train_sample_rows"] = run.fit(train)
        predicted = problem.settle_pool(run.predict_rows(evaluation_model, holdout), holdout)
        metrics = evaluate(kind, holdout, predicted)
        final_model, stats["final_sample_rows"] = run.fit(labelled, rounds=evaluation_model.rounds)
        challenger = run.bundle(final_model, evaluation_model, stats, metrics, baseline_metrics)
        record.predicted = predicted

    # 6. The champion on the same held-out rows, with a stored model that never saw them.
    champion_metrics: dict = {}
    champion_predicted = None
    blind_problem = None
    if usable_champion is not None and holdout is not None and withheld_reason is None:
        blind = usable_champion.blind_model(holdout.cutoff[0])
        if blind is None:
            blind_problem = f"it was trained on the held-out cutoff {stats['holdout_cutoff']} or later"
        else:
            champion_predicted = problem.settle_pool(run.predict_rows(blind, holdout), holdout)
            champion_metrics = evaluate(kind, holdout, champion_predicted)

    # 7. Challenger or champion: which XGBoost model is the 'model' candidate.
    metric, higher = primary_metric(kind, config)
    if challenger is not None:
        decision = decide_champion(
            problem.model,
            metric,
            higher,
            config.champion_tolerance,
            challenger.version,
            metrics.get(metric),
            champion.version if champion is not None else None,
            champion_metrics.get(metric),
            champion_problem or blind_problem,
        )
    elif usable_champion is not None and withheld_reason is None:
        if not due:
            age = (now - trained_at).total_seconds() / 3600
            every = config.retrain_every_hours
            why = f"retraining not due (last trained {age:.1f} h ago, retrain every {every:g} h)"
        else:
            why = f"challenger not trained: {model_reason}"
        decision = ChampionDecision(
            problem.model,
            "champion",
            why,
            metric,
            champion_version=usable_champion.version,
            champion_value=champion_metrics.get(metric),
        )
    else:
        why = withheld_reason or model_reason or "no model"
        if champion is not None and champion_problem:
            why = f"{why}; champion unusable: {champion_problem}"
        decision = ChampionDecision(problem.model, "baseline", why, metric)

    model_bundle, model_metrics = None, {}
    if decision.winner == "challenger":
        model_bundle, model_metrics = challenger, metrics
    elif decision.winner == "champion":
        model_bundle = usable_champion
        model_metrics = champion_metrics or dict(usable_champion.metadata.get("metrics") or {})
        if record is not None:
            record.predicted = champion_predicted

    # 8. The best usable candidate scores; none usable: the target is withheld (docs: candidates.py).
    candidates = {"rule": baseline_metrics}
    if btyd_metrics:
        candidates["btyd"] = btyd_metrics
    if model_bundle is not None:
        candidates["model"] = _clean_nan(model_metrics)
    if withheld_reason is not None:
        selection = Selection("withheld", withheld_reason)
    else:
        unavailable = {} if model_bundle is not None else {"model": decision.reason}
        floor = floor_of(
            kind, config.auc_floor, config.spearman_floor, config.floor_z, holdout.positives, len(holdout)
        )
        allowed = {name: values for name, values in candidates.items() if name in config.candidates}
        margin = config.candidate_margin if metric in ("roc_auc", "spearman") else 0.0
        selection = select_candidate(metric, higher, floor, allowed, unavailable, margin)

    if selection.source == "model" and decision.winner == "champion" and not champion_metrics:
        stored_at = usable_champion.metadata.get("holdout_cutoff")
        selection = Selection("model", f"{selection.reason}; metrics from its own run (held out {stored_at})")

    result = TargetRun(
        model=problem.model,
        kind=kind,
        label=problem.label,
        source=selection.source,
        # a survival label's window is its censoring time, not a shortened horizon: nothing to say
        reason=selection.reason
        if withheld_reason or kind == "survival"
        else _with_horizon(selection.reason, stats),
        scores=np.full(len(baseline_scores), np.nan),
        baseline_scores=baseline_scores,
        version=WITHHELD_VERSION,
        decision=decision,
        baseline_method=baseline_method,
        holdout=record,
        baseline_metrics=baseline_metrics,
        btyd_metrics=btyd_metrics,
        model_metrics=_clean_nan(model_metrics),
        stats=stats,
        trained=challenger,
        trained_this_run=decision.winner == "challenger",
    )
    if selection.source == "model":
        result.bundle, result.version = model_bundle, model_bundle.version
        result.scoring_model = model_bundle.final
        result.scores = run.score(model_bundle.final)
        if model_bundle.final.prior:
            result.scoring_margin = problem.prior(None)[1]
        result.metrics = _clean_nan(model_metrics)
    elif selection.source == "btyd":
        result.version, result.scores, result.metrics = BTYD_VERSION, problem.btyd(None), btyd_metrics
    elif selection.source == "rule":
        result.version, result.scores, result.metrics = RULE_VERSION, baseline_scores, baseline_metrics
    result.grade = _grade(result, kind)
    return result


def _clean_nan(metrics: dict) -> dict:
    return {k: (float("nan") if v is None else v) for k, v in metrics.items()}


def _with_horizon(reason: str, stats: dict) -> str:
    """Say so when a short history shrank the label window below the requested horizon."""
    used, requested = stats.get("horizon_days"), stats.get("requested_horizon_days")
    if used is not None and requested and used < requested:
        return f"{reason}; window shortened to {used:g} of {requested} days by the history's length"
    return reason


def _grade(run: TargetRun, kind: str) -> str | None:
    if run.source == "withheld":
        return None
    metric = "roc_auc" if kind == "classifier" else "spearman"
    baselines = [m.get(metric) for m in (run.baseline_metrics, run.btyd_metrics) if m]
    baselines = [v for v in baselines if v is not None and not math.isnan(v)]
    best_baseline = max(baselines) if baselines and run.source == "model" else None
    return grade(metric, run.metrics.get(metric), best_baseline)
