"""The one entry point the pipeline calls: `run_predictions` (inputs in, published frames and bundles out)."""

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd

from models_ml.category_propensity import CATEGORY_MODEL, CategoryProblem
from models_ml.champion import ChampionDecision
from models_ml.config import ModelConfig
from models_ml.contract import check_inputs
from models_ml.outputs import (
    category_propensity,
    customer_predictions,
    explain,
    gains,
    importance,
    model_metrics,
)
from models_ml.plots import calibration_png, cumulative_gain_png, feature_importance_png
from models_ml.registry import ModelBundle
from models_ml.run_context import RunContext
from models_ml.targets import CUSTOMER_TARGETS, CustomerProblem
from models_ml.training import WITHHELD_VERSION, TargetRun, run_problem

NO_CATEGORIES = "no category labels: the shop has no categorised order items (orders only)"


@dataclass
class PredictionRun:
    """What one run produced: the published frames, and per model its run (decision, bundles, holdout)."""

    customer_predictions: pd.DataFrame
    category_propensity: pd.DataFrame
    model_metrics: pd.DataFrame
    feature_importance: pd.DataFrame
    model_gains: pd.DataFrame
    models: dict[str, TargetRun] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step, for run metadata

    @property
    def trained_bundles(self) -> list[ModelBundle]:
        """Every model trained this run (challengers, winners or not): save each in the registry."""
        return [run.trained for run in self.models.values() if run.trained is not None]

    @property
    def champions(self) -> dict[str, ModelBundle]:
        """The bundle that scored each model this run: the registry's champion pointer after the run."""
        return {name: run.bundle for name, run in self.models.items() if run.bundle is not None}

    def summary(self) -> str:
        """One line naming each target's source, grade and why, e.g. for the console:
        `purchase: model, Good (roc_auc 0.781 vs rule 0.752); clv: withheld (78 customers with orders,
        needs 200)`."""
        parts = []
        for name, run in self.models.items():
            grade = f", {run.grade}" if run.grade else ""
            parts.append(f"{name}: {run.source}{grade} ({run.reason})")
        return "; ".join(parts)

    @property
    def decisions(self) -> dict[str, ChampionDecision]:
        return {name: run.decision for name, run in self.models.items()}

    def plots(self, model: str) -> dict[str, bytes]:
        """PNG bytes for one model's page: cumulative gain, calibration (classifiers), importance."""
        run = self.models[model]
        out: dict[str, bytes] = {}
        if run.holdout is not None and run.kind != "survival":
            out["cumulative_gain"] = cumulative_gain_png(run.holdout)
            if run.kind == "classifier":
                out["calibration"] = calibration_png(run.holdout)
        if (self.feature_importance["model"] == model).any():
            out["feature_importance"] = feature_importance_png(self.feature_importance, model)
        return out


def _no_categories(config: ModelConfig) -> TargetRun:
    decision = ChampionDecision(CATEGORY_MODEL, "baseline", NO_CATEGORIES, "roc_auc")
    return TargetRun(
        CATEGORY_MODEL,
        "classifier",
        "bought",
        "withheld",
        NO_CATEGORIES,
        np.empty(0),
        np.empty(0),
        WITHHELD_VERSION,
        decision,
        "none: nothing to score",
        stats={"requested_horizon_days": config.category_horizon_days},
    )


def run_predictions(
    features: object,
    labels: object,
    as_of: date | datetime | str,
    *,
    mix: object = None,
    category_labels: object = None,
    config: ModelConfig | None = None,
    incumbents: Mapping[str, ModelBundle] | None = None,
    now: datetime | None = None,
    last_trained: Mapping[str, datetime] | None = None,
) -> PredictionRun:
    """Train, evaluate, calibrate, decide champion vs challenger, score and explain every model.

    `features`, `labels`, `mix` and `category_labels` follow the input contract (pandas DataFrames or
    pyarrow Tables; `mix` and `category_labels` may be None or empty). `incumbents` maps a model name
    ('purchase', 'churn', 'clv', 'next_order', 'category_propensity') to the registry bundle a challenger
    must beat: its champion, or where it has none its latest trained bundle. `now` (default: the current
    UTC time) stamps new versions and decides whether retraining is due, from the incumbent's training time
    or, when later, `last_trained[model]` (the newest XGBoost trained, which may have lost to a baseline).
    """
    config = config or ModelConfig()
    incumbents, last_trained = incumbents or {}, last_trained or {}
    now = now or datetime.now(UTC)
    clock = _Clock()
    with clock("inputs"):
        context = RunContext(check_inputs(features, labels, as_of, mix, category_labels), config)

    runs: dict[str, TargetRun] = {}
    for spec in CUSTOMER_TARGETS:
        with clock(spec.model):
            problem = CustomerProblem(spec, context)
            runs[spec.model] = run_problem(
                problem, config, incumbents.get(spec.model), now, last_trained.get(spec.model)
            )
    category_problem = None
    with clock(CATEGORY_MODEL):
        if not context.inputs.category_labels.empty:
            category_problem = CategoryProblem(context)
            incumbent, trained = incumbents.get(CATEGORY_MODEL), last_trained.get(CATEGORY_MODEL)
            runs[CATEGORY_MODEL] = run_problem(category_problem, config, incumbent, now, trained)
        else:
            runs[CATEGORY_MODEL] = _no_categories(config)

    with clock("explanations"):
        explanations = explain(runs, context)
        predictions = customer_predictions(runs, context, explanations)
    with clock("outputs"):
        result = PredictionRun(
            customer_predictions=predictions,
            category_propensity=category_propensity(runs[CATEGORY_MODEL], category_problem, context),
            model_metrics=model_metrics(runs, category_problem, config, context.inputs.as_of),
            feature_importance=importance(runs, explanations),
            model_gains=gains(runs),
            models=runs,
        )
    result.timings = clock.seconds
    return result


class _Clock:
    """Wall-clock seconds per named step."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, step: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[step] = round(time.perf_counter() - start, 3)
