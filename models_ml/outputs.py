"""The published frames: customer_predictions, customer_category_propensity, model_metrics,
model_feature_importance and model_gains. Column names here are the published contract."""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals

from models_ml.category_propensity import CATEGORY_MODEL, CategoryProblem
from models_ml.config import ModelConfig
from models_ml.design import model_columns
from models_ml.explain import baseline_reason_columns, baseline_reasons, top_reasons
from models_ml.grid import predictive_cells
from models_ml.importance import IMPORTANCE_COLUMNS, feature_importance
from models_ml.metrics import CALIBRATION_BINS, classifier_metrics, gains_by_decile
from models_ml.run_context import RunContext
from models_ml.training import RULE_VERSION, TargetRun, primary_metric

# output column of each customer-level model's score
SCORE_COLUMNS = {
    "purchase": "purchase_probability_30d",
    "churn": "churn_probability",
    "clv": "predicted_clv",
    "next_order": "predicted_days_to_next_order",
}
EXPLAINED = ("churn", "purchase")
# every published column that carries a target's prediction (null while the target is withheld)
TARGET_COLUMNS = {
    "purchase": ("purchase_probability_30d", "purchase_decile", "predictive_cell"),
    "churn": ("churn_probability", "churn_decile", "predictive_cell"),
    "clv": ("predicted_clv", "clv_decile"),
    "next_order": ("predicted_days_to_next_order", "expected_next_order_date"),
    CATEGORY_MODEL: ("probability", "rank"),
}


def withheld_columns(metrics: pd.DataFrame) -> dict[str, str]:
    """Prediction column -> why its target is withheld, from a run's model_metrics (overall rows)."""
    overall = metrics[metrics["category"].isna() & (metrics["prediction_source"] == "withheld")]
    out: dict[str, str] = {}
    for model, reason in zip(overall["model"], overall["reason"], strict=True):
        for column in TARGET_COLUMNS.get(model, ()):
            out[column] = f"{model}: {reason}" if column not in out else f"{out[column]}; {model}: {reason}"
    return out


CLASSIFIER_METRICS = ["roc_auc", "pr_auc", "brier", "ece", "lift_top_decile", "gain_top_decile"]
REGRESSOR_METRICS = ["mae", "rmse", "spearman", "total_predicted", "total_actual"]
METRIC_NAMES = CLASSIFIER_METRICS + REGRESSOR_METRICS


def _dates(values: np.ndarray) -> pd.Series:
    """Whole days as an Arrow date32 column (a DATE in Parquet, not a timestamp)."""
    return pd.Series(pd.arrays.ArrowExtensionArray(pa.array(np.asarray(values, dtype="datetime64[D]"))))


def score_decile(values: np.ndarray) -> pd.Series:
    """1 … 10 by rank, 10 = highest score; ties keep the (customer id) order, so it is deterministic.
    Null where the score is (a withheld target)."""
    rank = pd.Series(values).rank(method="first")
    return np.ceil(rank * 10 / max(int(rank.notna().sum()), 1)).astype("Int8")


@dataclass(frozen=True)
class Explanation:
    """What an XGBoost model's contributions on the scored customers are reduced to: each customer's
    reason texts, and the mean |contribution| per model feature for model_feature_importance."""

    reasons: list[pd.Series]
    mean_abs: np.ndarray | None  # None when no customer was scored


def explain(
    runs: dict[str, TargetRun], context: RunContext, chunk_rows: int | None = None
) -> dict[str, Explanation | None]:
    """The reasons of each XGBoost-scored churn or purchase target (None for the others), worked out a
    chunk of customers at a time (`RunContext.scoring_chunks`; `chunk_rows` for tests): a customer's reasons
    depend on their own row only, and the mean |contribution| is summed across chunks. One chunk's
    contributions and reason work stay near 100 MB; 4 M customers at once held 2 GB more. The targets share
    each chunk's matrix: building it is a pass over every scored customer's features (3 s at 4.2 M)."""
    explained = {
        name: run for name, run in runs.items() if run.scoring_model is not None and run.model in EXPLAINED
    }
    design, scored = context.design, len(context.scoring_rows)
    texts: dict[str, list[list[pd.Series]]] = {name: [] for name in explained}
    abs_sums = {name: np.zeros(len(run.scoring_model.features)) for name, run in explained.items()}
    # the prior's part is its spread around the mean over every scored customer, not over one chunk
    margin_means = {
        name: None if run.scoring_margin is None else float(np.mean(run.scoring_margin))
        for name, run in explained.items()
    }
    # no scored customer: one empty chunk, so the reasons are empty columns as for any other size
    for rows, values in context.scoring_chunks(chunk_rows) if explained else ():
        for name, run in explained.items():
            features = run.scoring_model.features
            margin = None if run.scoring_margin is None else run.scoring_margin[rows]
            contributions = run.scoring_model.contributions(
                model_columns(values, design.names, features),
                context.config.exact_contributions,
                margin,
                margin_means[name],
            )
            texts[name].append(
                top_reasons(contributions, values, design.names, features, run.model, design.display)
            )
            abs_sums[name] += np.abs(contributions[:, : len(features)]).sum(axis=0, dtype=np.float64)
    out: dict[str, Explanation | None] = dict.fromkeys(runs)
    for name in explained:
        # the chunks' categories differ: united, the column stays a category (a plain concat makes it text)
        reasons = [pd.Series(union_categoricals(slot)) for slot in zip(*texts[name], strict=True)]
        out[name] = Explanation(reasons, abs_sums[name] / scored if scored else None)
    return out


def customer_predictions(
    runs: dict[str, TargetRun], context: RunContext, explanations: dict[str, Explanation | None]
) -> pd.DataFrame:
    """One row per scored customer: every target, its decile, source, model version and reasons. Text
    that repeats across customers (reasons, sources, versions, the cell) is a pandas category, text once
    written to the warehouse."""
    out = pd.DataFrame({"customer_id": context.scoring_customers})
    as_of = np.datetime64(context.inputs.as_of, "D")
    out["as_of"] = _dates(np.full(len(out), as_of))
    for model in ("purchase", "churn", "clv", "next_order"):
        run = runs[model]
        column = SCORE_COLUMNS[model]
        scores = run.scores
        if model == "next_order":  # the median predicted time; beyond the horizon: not expected back
            scores = np.where(scores > context.config.next_order_horizon_days, np.nan, scores)
        out[column] = scores
        if model == "next_order":
            # NaN days (withheld, or not expected back within the horizon) give a null date
            days = np.round(scores).astype("timedelta64[D]")
            out["expected_next_order_date"] = _dates(as_of + days)
        else:
            out[f"{model}_decile"] = score_decile(run.scores)
        out[f"{model}_prediction_source"] = _repeated(run.source, len(out))
        out[f"{model}_model_version"] = _repeated(run.version, len(out))
        if model in EXPLAINED:
            if run.source == "withheld":
                reasons = [[None] * len(out)] * 3
            elif (explanation := explanations.get(model)) is not None:
                reasons = explanation.reasons
            else:
                names = [name for name in baseline_reason_columns() if name in context.design.names]
                reasons = baseline_reasons(
                    context.scoring_columns(names), names, model, run.scores, _method(run)
                )
            for slot, texts in enumerate(reasons, start=1):
                out[f"{model}_reason_{slot}"] = texts
    purchase, churn = out["purchase_probability_30d"].to_numpy(), out["churn_probability"].to_numpy()
    cells = predictive_cells(np.nan_to_num(purchase), np.nan_to_num(churn), context.config.grid_cuts)
    # a cell needs both axes: none while either target is withheld
    out["predictive_cell"] = pd.Series(pd.Categorical(cells)).mask(np.isnan(purchase) | np.isnan(churn))
    return out


def _repeated(text: str, rows: int) -> pd.Categorical:
    """One text on every row, kept once (a category) rather than once per row."""
    return pd.Categorical.from_codes(np.zeros(rows, dtype=np.int8), categories=[text])


def _method(run: TargetRun) -> str:
    """How a score no XGBoost model made was made, in the customer's reasons."""
    if run.source == "btyd":
        return "BG/NBD score, no XGBoost model: purchase rate and drop-out from the order history"
    return f"rule-based score, no model: {run.baseline_method}"


def category_sources(run: TargetRun, problem: CategoryProblem, config: ModelConfig) -> np.ndarray:
    """Per category: the pooled target's source, except the rule where the model scores but the category
    has too few positives of its own."""
    enough = problem.positives_by_category() >= config.min_positives
    if run.source == "model":
        return np.where(enough, "model", "rule")
    return np.full(len(problem.categories), run.source)


def category_propensity(
    run: TargetRun | None, problem: CategoryProblem | None, context: RunContext
) -> pd.DataFrame:
    """One row per customer and category: probability, rank among the customer's categories (1 = most
    likely), source and model version. Empty when the shop has no category labels."""
    if run is None or problem is None or not problem.categories or run.source == "withheld":
        return pd.DataFrame(
            {
                "customer_id": pd.Series(dtype="str"),
                "as_of": _dates(np.empty(0, dtype="datetime64[D]")),
                "category": pd.Series(dtype="str"),
                "probability": pd.Series(dtype="float64"),
                "rank": pd.Series(dtype="int16"),
                "prediction_source": pd.Series(dtype="str"),
                "model_version": pd.Series(dtype="str"),
            }
        )
    count, customers = len(problem.categories), context.scoring_customers
    sources = category_sources(run, problem, context.config)
    model = run.scores.reshape(count, len(customers)).T  # scoring blocks are category-major
    fallback = run.baseline_scores.reshape(count, len(customers)).T
    probability = np.where(sources == "model", model, np.where(sources == "withheld", np.nan, fallback))
    order = np.argsort(-probability, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(1, count + 1)[None, :].repeat(len(customers), 0), axis=1)
    per_category = np.tile(np.arange(count), len(customers))  # customer-major rows

    def repeated(values: list[str], codes: np.ndarray) -> pd.Series:  # an Arrow take, no Python strings
        return pd.Series(values, dtype="str").take(codes).reset_index(drop=True)

    versions = [run.version if source == run.source else RULE_VERSION for source in sources]
    return pd.DataFrame(
        {
            "customer_id": customers.take(np.repeat(np.arange(len(customers)), count)).reset_index(drop=True),
            "as_of": _dates(np.full(len(customers) * count, np.datetime64(context.inputs.as_of, "D"))),
            "category": repeated(problem.categories, per_category),
            "probability": probability.reshape(-1),
            "rank": rank.reshape(-1).astype(np.int16),
            "prediction_source": repeated(list(sources), per_category),
            "model_version": repeated(versions, per_category),
        }
    )


def _nan_to_none(value: object) -> object:
    return None if isinstance(value, float) and math.isnan(value) else value


def _floor(run: TargetRun, config: ModelConfig) -> dict:
    metric = "roc_auc" if run.kind == "classifier" else "spearman"
    return {
        "floor_metric": metric,
        "floor": config.auc_floor if metric == "roc_auc" else config.spearman_floor,
    }


def _metrics_row(run: TargetRun, config: ModelConfig, as_of: pd.Timestamp) -> dict:
    stats, decision = run.stats, run.decision
    metric, _ = primary_metric(run.kind, config)
    row = {
        "as_of": as_of.date(),
        "model": run.model,
        "category": None,
        "target": run.label,
        "kind": run.kind,
        "prediction_source": run.source,
        "reason": run.reason,
        "model_version": run.version,
        "trained_this_run": run.trained_this_run,
        "champion_decision": decision.winner,
        "challenger_version": decision.challenger_version,
        "champion_version": decision.champion_version,
        "primary_metric": metric,
        "challenger_primary_value": decision.challenger_value,
        "champion_primary_value": decision.champion_value,
        "requested_horizon_days": stats.get("requested_horizon_days"),
        "horizon_days": stats.get("horizon_days"),
        "train_cutoffs": ",".join(stats.get("train_cutoffs", [])),
        "holdout_cutoff": stats.get("holdout_cutoff"),
        "final_training_cutoffs": ",".join(stats.get("final_cutoffs", [])),
    }
    for part in ("train", "holdout", "final"):
        counts = stats.get(part, {})
        prefix = "final_train" if part == "final" else part
        for count in ("rows", "customers", "positives"):
            row[f"{prefix}_{count}"] = counts.get(count)
    row |= {
        "sample_limit": config.sample_size,
        "train_sample_rows": stats.get("train_sample_rows"),
        "final_sample_rows": stats.get("final_sample_rows"),
        "evaluation_sample_limit": config.evaluation_sample_size,
    }
    for name in METRIC_NAMES:
        row[name] = run.model_metrics.get(name)
        row[f"btyd_{name}"] = run.btyd_metrics.get(name)
        row[f"baseline_{name}"] = run.baseline_metrics.get(name)
    row |= {
        "scoring_primary_value": run.metrics.get(metric),
        "grade": run.grade,
        "baseline_method": run.baseline_method,
        **_floor(run, config),
        "calibration_method": _calibration(run, config),
        "ece_bins": f"{CALIBRATION_BINS} equal-frequency" if run.kind == "classifier" else None,
    }
    return {k: _nan_to_none(v) for k, v in row.items()}


def _calibration(run: TargetRun, config: ModelConfig) -> str | None:
    """How the published probabilities came to be calibrated: the scoring model's calibrator ('auto'
    resolved), or what stands in for one where BG/NBD or the rule scores; None where nothing scores."""
    if run.kind != "classifier" or run.source == "withheld":
        return None
    if run.source == "btyd":
        return "none: BG/NBD's own probability"
    if run.source == "rule":
        return "none: the cell's observed rate" if "cell rate" in run.baseline_method else "none: a rule"
    calibrator = run.scoring_model.calibrator if run.scoring_model is not None else None
    return calibrator.method if calibrator is not None else config.calibration_method


def _category_rows(run: TargetRun, problem: CategoryProblem, config: ModelConfig, base: dict) -> list[dict]:
    """One metrics row per category, on the pooled model's held-out rows of that category."""
    rows = []
    sources = category_sources(run, problem, config)
    positives = problem.positives_by_category()
    holdout = run.holdout
    for index, category in enumerate(problem.categories):
        row = {
            **base,
            "category": category,
            "prediction_source": sources[index],
            "final_train_positives": int(positives[index]),
        }
        if sources[index] == "rule" and run.source == "model":
            row["reason"] = f"{positives[index]} positives for this category, needs {config.min_positives}"
            row["model_version"] = RULE_VERSION
        for name in METRIC_NAMES:
            row[name] = row[f"baseline_{name}"] = row[f"btyd_{name}"] = None
        row["scoring_primary_value"] = row["grade"] = None
        if holdout is not None:
            mask = holdout.category == index
            outcome = holdout.outcome[mask]
            row["holdout_rows"], row["holdout_positives"] = int(mask.sum()), int(outcome.sum())
            row |= {
                f"baseline_{k}": v
                for k, v in classifier_metrics(outcome, holdout.baseline[mask]).items()
                if k in CLASSIFIER_METRICS
            }
            if holdout.predicted is not None:
                row |= {
                    k: v
                    for k, v in classifier_metrics(outcome, holdout.predicted[mask]).items()
                    if k in CLASSIFIER_METRICS
                }
        rows.append({k: _nan_to_none(v) for k, v in row.items()})
    return rows


def model_metrics(
    runs: dict[str, TargetRun],
    category_problem: CategoryProblem | None,
    config: ModelConfig,
    as_of: pd.Timestamp,
) -> pd.DataFrame:
    """One row per model (and one per category of the category model) with the baseline beside it."""
    rows = []
    for run in runs.values():
        row = _metrics_row(run, config, as_of)
        rows.append(row)
        if run.model == CATEGORY_MODEL and category_problem is not None and category_problem.categories:
            rows.extend(_category_rows(run, category_problem, config, row))
    return _typed(pd.DataFrame(rows))


_DATE_COLUMNS = ("as_of", "holdout_cutoff")
_FLAG_COLUMNS = ("trained_this_run",)
_COUNT_SUFFIXES = ("_rows", "_customers", "_positives", "_limit", "horizon_days")


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Stable column types whatever is missing this run (an all-null column must not lose its type)."""
    for column in frame.columns:
        values = frame[column]
        if column in _DATE_COLUMNS:
            frame[column] = _dates(pd.to_datetime(values).to_numpy())
        elif column in _FLAG_COLUMNS:
            frame[column] = values.astype("boolean")
        elif column.endswith(_COUNT_SUFFIXES):
            frame[column] = pd.to_numeric(values).round().astype("Int64")
        elif column.removeprefix("baseline_").removeprefix("btyd_") in METRIC_NAMES or column.endswith(
            ("_value", "floor")
        ):
            frame[column] = pd.to_numeric(values).astype("float64")
        else:
            frame[column] = values.astype("str")
    return frame


def importance(runs: dict[str, TargetRun], explanations: dict[str, Explanation | None]) -> pd.DataFrame:
    frames = []
    for run in runs.values():
        if run.scoring_model is not None:
            explanation = explanations.get(run.model)
            mean_abs = None if explanation is None else explanation.mean_abs
            frames.append(feature_importance(run.model, run.version, run.scoring_model, mean_abs))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=IMPORTANCE_COLUMNS)


def gains(runs: dict[str, TargetRun]) -> pd.DataFrame:
    """Lift and cumulative gain by decile on the held-out cutoff, model beside baseline."""
    frames = []
    for run in runs.values():
        holdout = run.holdout
        if holdout is None or run.kind == "survival":
            continue
        value = np.nan_to_num(holdout.outcome, nan=0.0)
        frame = gains_by_decile(value, holdout.baseline).add_prefix("baseline_")
        frame = frame.rename(
            columns={
                "baseline_decile": "decile",
                "baseline_cumulative_share_of_rows": "cumulative_share_of_rows",
            }
        )
        if holdout.predicted is not None:
            model = gains_by_decile(value, holdout.predicted)
            for column in ("cumulative_gain", "lift", "cumulative_lift"):
                frame[f"model_{column}"] = model[column]
        frame.insert(0, "model", run.model)
        frame.insert(1, "holdout_cutoff", _dates(np.full(len(frame), np.datetime64(holdout.cutoff, "D"))))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
