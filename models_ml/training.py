"""Training by time for one model: hold out the latest labelled cutoff, fit on the earlier ones, evaluate
beside the baseline, refit on every labelled cutoff, pick champion or challenger, and score as_of.

A model is only trained where it can be trained honestly; otherwise its scores are the baseline's (or a
compatible champion's) and the run says why. Every decision is recorded in `TargetRun`.
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
from models_ml.champion import ChampionDecision, decide_champion, retrain_due
from models_ml.config import ModelConfig
from models_ml.labelled import LabelledSet
from models_ml.metrics import classifier_metrics, regressor_metrics
from models_ml.registry import ModelBundle, version_id
from models_ml.sampling import calibration_fold, stratified_sample, uniform_sample

BASELINE_VERSION = "baseline"


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

    def finish(self, values: np.ndarray) -> np.ndarray:
        """Turn model output into the published score (e.g. cap survival days)."""
        return values

    def incompatibility(self, bundle: ModelBundle) -> str | None:
        """Why a stored model cannot score today's rows (None when it can)."""
        present = set(self.names)
        if missing := [f for f in bundle.features if f not in present]:
            return f"{len(missing)} of its features are missing now ({', '.join(missing[:5])})"
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


@dataclass
class TargetRun:
    """Everything one model did this run: where its scores came from, why, and how it measured up."""

    model: str
    kind: str
    label: str
    source: str  # 'model' or 'baseline'
    reason: str
    scores: np.ndarray
    baseline_scores: np.ndarray
    version: str
    decision: ChampionDecision
    baseline_method: str
    scoring_model: FittedModel | None = None
    bundle: ModelBundle | None = None  # the bundle that scored (champion after the decision)
    trained: ModelBundle | None = None  # the challenger trained this run, to save in the registry
    holdout: Holdout | None = None
    metrics: dict = field(default_factory=dict)
    baseline_metrics: dict = field(default_factory=dict)
    stats: dict = field(default_factory=dict)
    trained_this_run: bool = False


def _below(value: float | None, baseline: float | None, higher_is_better: bool) -> bool:
    """True when both are measured and the model's value is worse than the baseline's."""
    if value is None or baseline is None or math.isnan(value) or math.isnan(baseline):
        return False
    return value < baseline if higher_is_better else value > baseline


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
    if customers < config.min_customers:
        return f"{where}: {customers} customers (< min_customers {config.min_customers})"
    noun = {"classifier": "positives", "regressor": "non-zero labels", "survival": "observed next orders"}[
        kind
    ]
    if positives < config.min_positives:
        return f"{where}: {positives} {noun} (< min_positives {config.min_positives})"
    if kind == "classifier" and len(subset) - positives < config.min_positives:
        return f"{where}: {len(subset) - positives} negatives (< min_positives {config.min_positives})"
    return None


def _holdout_shortfall(subset: LabelledSet, kind: str) -> str | None:
    cutoff = _day(subset.cutoff[0])
    if kind == "classifier" and subset.positives in (0, len(subset)):
        return f"held-out cutoff {cutoff} has a single class: no AUC to measure the model by"
    if kind != "classifier" and subset.positives == 0:
        return f"held-out cutoff {cutoff} has no non-zero / observed label to measure the model by"
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
            self.kind, matrix, sample.target, calibration, self.problem.names, self.config, rounds
        )
        return model, len(sample)

    def predict(self, model: FittedModel, matrix: np.ndarray) -> np.ndarray:
        columns = [self.problem.names.index(f) for f in model.features]
        return self.problem.finish(model.predict(matrix[:, columns]))

    def score(self, model: FittedModel) -> np.ndarray:
        return np.concatenate([self.predict(model, block) for block in self.problem.scoring_blocks()])

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
    problem: Problem, config: ModelConfig, champion: ModelBundle | None, now: datetime
) -> TargetRun:
    """Evaluate, (re)train, decide and score one model (see the module docstring)."""
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

    # 1. Split by time: the latest labelled cutoff is held out.
    train = holdout = None
    if len(cutoffs) == 0:
        reason = f"no labelled cutoff: every {problem.label} window ends after as_of (history too short)"
    elif len(cutoffs) == 1:
        reason = f"one labelled cutoff ({_day(cutoffs[0])}): none earlier to train on while it is held out"
    else:
        holdout_cutoff = cutoffs[-1]
        train = labelled.where(labelled.cutoff < holdout_cutoff)
        holdout = labelled.where(labelled.cutoff == holdout_cutoff)
        holdout = holdout.take(uniform_sample(holdout.row_hash, config.evaluation_sample_size))
        stats |= {
            "train_cutoffs": [_day(c) for c in train.cutoffs],
            "holdout_cutoff": _day(holdout_cutoff),
            "train": train.counts(),
            "holdout": holdout.counts(),
        }
        reason = _shortfall(train, f"training cutoffs before {_day(holdout_cutoff)}", kind, config)
        reason = reason or _holdout_shortfall(holdout, kind)

    # 2. The baseline, on the same held-out rows, and for everyone as the fallback.
    baseline_metrics: dict = {}
    record = None
    if holdout is not None:
        record = Holdout(
            problem.model,
            kind,
            holdout.cutoff[0],
            holdout.target.label,
            problem.baseline(train, holdout),
            window=holdout.target.window,
            category=holdout.category,
        )
        baseline_metrics = evaluate(kind, holdout, record.baseline)
    fit_for_baseline = labelled if len(labelled) else None
    baseline_scores = problem.baseline(fit_for_baseline, None)
    baseline_method = problem.baseline_method(fit_for_baseline)

    # 3. Champion status: compatible with today's features? Retraining due?
    champion_problem = problem.incompatibility(champion) if champion is not None else None
    usable_champion = champion if champion is not None and champion_problem is None else None
    due = usable_champion is None or retrain_due(usable_champion.trained_at, now, config.retrain_every_hours)

    # 4. The challenger: evaluated on the held-out cutoff, then refitted on every labelled cutoff.
    challenger = None
    metrics: dict = {}
    if reason is None and due:
        evaluation_model, stats["train_sample_rows"] = run.fit(train)
        record.predicted = run.predict(evaluation_model, problem.matrix(holdout))
        metrics = evaluate(kind, holdout, record.predicted)
        final_model, stats["final_sample_rows"] = run.fit(labelled, rounds=evaluation_model.rounds)
        challenger = run.bundle(final_model, evaluation_model, stats, metrics, baseline_metrics)

    # 5. The champion on the same held-out rows, with a stored model that never saw them.
    champion_metrics: dict = {}
    champion_predicted = None
    blind_problem = None
    if usable_champion is not None and holdout is not None:
        blind = usable_champion.blind_model(holdout.cutoff[0])
        if blind is None:
            blind_problem = f"it was trained on the held-out cutoff {stats['holdout_cutoff']} or later"
        else:
            champion_predicted = run.predict(blind, problem.matrix(holdout))
            champion_metrics = evaluate(kind, holdout, champion_predicted)

    # 6. Decide who scores.
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
    elif usable_champion is not None:
        if not due:
            age = (now - usable_champion.trained_at).total_seconds() / 3600
            every = config.retrain_every_hours
            why = f"retraining not due (champion {age:.1f} h old, retrain every {every:g} h)"
        else:
            why = f"challenger not trained: {reason}"
        decision = ChampionDecision(
            problem.model,
            "champion",
            why,
            metric,
            champion_version=usable_champion.version,
            champion_value=champion_metrics.get(metric),
        )
    else:
        why = reason if champion is None else f"{reason}; champion unusable: {champion_problem}"
        decision = ChampionDecision(problem.model, "baseline", why, metric)

    result = TargetRun(
        model=problem.model,
        kind=kind,
        label=problem.label,
        source="baseline",
        reason=decision.reason,
        scores=baseline_scores,
        baseline_scores=baseline_scores,
        version=BASELINE_VERSION,
        decision=decision,
        baseline_method=baseline_method,
        holdout=record,
        baseline_metrics=baseline_metrics,
        stats=stats,
        trained=challenger,
    )
    if decision.winner == "challenger":
        result.bundle, result.metrics, result.trained_this_run = challenger, metrics, True
    elif decision.winner == "champion":
        result.bundle = usable_champion
        result.metrics = champion_metrics or dict(usable_champion.metadata.get("metrics") or {})
        if record is not None:
            record.predicted = champion_predicted
        if not champion_metrics:
            stored_at = usable_champion.metadata.get("holdout_cutoff")
            result.reason = f"{decision.reason}; metrics from its own training run (held out {stored_at})"
    # 7. A model doing worse than the no-model baseline on the held-out cutoff does not score: the rule
    #    would serve the customers better. Its metrics stay on record beside the baseline's.
    measured_today = decision.winner == "challenger" or bool(champion_metrics)
    if result.bundle is not None and measured_today:
        model_value, baseline_value = result.metrics.get(metric), baseline_metrics.get(metric)
        if _below(model_value, baseline_value, higher):
            result.reason = (
                f"{decision.reason}; its held-out {metric} {model_value:.3f} is below the no-model "
                f"baseline's {baseline_value:.3f}, so the baseline scores"
            )
            result.bundle = None
    if result.bundle is not None:
        result.source, result.version = "model", result.bundle.version
        result.scoring_model = result.bundle.final
        result.scores = run.score(result.bundle.final)
        result.metrics = {k: (float("nan") if v is None else v) for k, v in result.metrics.items()}
    return result
