"""Predictions page data: the purchase × churn grid, a cell's customers, score distributions, each model's
grade and metrics beside its baselines, and the prediction ledger's accuracy when it is published."""

import pandas as pd

from dashboards.published import Published

LEVELS = ("low", "medium", "high")
SCORES = {  # column -> label; probabilities are binned in 5 % steps, CLV in 20 equal steps to its p99
    "purchase_probability_30d": "Purchase probability",
    "churn_probability": "Churn probability",
    "predicted_clv": "Predicted CLV",
}
# per metric: XGBoost's column, then BG/NBD's and the rule's (model_metrics gains BG/NBD columns in a
# later release: a column a publish lacks shows as empty)
CANDIDATES = {"XGBoost": "", "BG/NBD": "btyd_", "Rule": "baseline_"}
METRICS = ("roc_auc", "pr_auc", "brier", "lift_top_decile", "spearman", "mae")
_OUTCOME_COLUMNS = (
    "as_of", "target", "horizon_days", "prediction_source", "customers", "roc_auc", "rule_roc_auc",
    "spearman", "rule_spearman", "mean_predicted", "observed_rate", "ece", "total_predicted", "total_actual",
)  # fmt: skip
_MODEL_COLUMNS = (
    "model", "target", "kind", "prediction_source", "reason", "grade", "primary_metric",
    "scoring_primary_value", "floor_metric", "floor", "horizon_days", "holdout_cutoff", "baseline_method",
)  # fmt: skip


def grid(data: Published) -> pd.DataFrame:
    """One row per non-empty cell; empty cells have no row (and none at all while a target is withheld)."""
    return data.sql(
        """
        select predictive_cell, purchase_level, churn_level, customers, share_of_customers, revenue,
               predicted_clv, avg_predicted_clv, avg_purchase_probability, avg_churn_probability,
        from predictive_segments
        """
    )


def grid_matrix(cells: pd.DataFrame, value: str) -> pd.DataFrame:
    """Purchase level (rows, high first) × churn level (columns, low first); 0 where a cell is empty."""
    matrix = cells.pivot_table(index="purchase_level", columns="churn_level", values=value, aggfunc="sum")
    return matrix.reindex(index=list(reversed(LEVELS)), columns=list(LEVELS)).fillna(0)


def cell_customers(data: Published, cell: str) -> pd.DataFrame:
    return data.sql(
        """
        select customer_id, purchase_probability_30d, churn_probability, predicted_clv,
               expected_next_order_date, purchase_reason_1, churn_reason_1,
        from customer_predictions
        where predictive_cell = $cell
        order by predicted_clv desc nulls last, customer_id
        """,
        {"cell": cell},
    )


def distribution(data: Published, column: str) -> pd.DataFrame:
    """Customers per bin of a score, counted by DuckDB (a big shop's scores never reach pandas)."""
    if column not in SCORES:
        raise ValueError(f"column must be one of {list(SCORES)}, not {column!r}")
    if column == "predicted_clv":
        width = "greatest((select quantile_cont(predicted_clv, 0.99) from customer_predictions) / 20, 0.01)"
    else:
        width = "0.05"
    frame = data.sql(
        f"""
        with scored as (select {column} as score from customer_predictions where {column} is not null)
        select least(floor(score / {width}), 19) * {width} as bin_start, count(*) as customers,
        from scored
        group by 1
        order by 1
        """
    )
    # a short label per bar: probabilities in %, amounts in whole currency units
    frame["bin"] = [f"{v:.0%}" if column != "predicted_clv" else f"{v:,.0f}" for v in frame["bin_start"]]
    return frame


def models(data: Published) -> pd.DataFrame:
    """Each model's own row (not the per-category rows): who scores, why, its grade and every metric of
    XGBoost, BG/NBD and the rule, as far as this publish has them."""
    if not data.has("model_metrics"):
        return pd.DataFrame()
    wanted = list(_MODEL_COLUMNS) + [p + m for m in METRICS for p in CANDIDATES.values()]
    columns = data.present("model_metrics", wanted)
    frame = data.sql(f"select {', '.join(columns)} from model_metrics where category is null order by model")
    for column in wanted:
        if column not in frame:
            frame[column] = None
    return frame[wanted]


def is_withheld(model_row: pd.Series) -> bool:
    return model_row.get("prediction_source") == "withheld"


def metric_comparison(model_row: pd.Series) -> pd.DataFrame:
    """A model's metrics as metric × candidate (XGBoost, BG/NBD, rule); metrics no candidate has left out."""
    table = pd.DataFrame(
        {name: [model_row.get(prefix + m) for m in METRICS] for name, prefix in CANDIDATES.items()},
        index=list(METRICS),
    ).astype("float64")
    return table.dropna(how="all")


def outcomes(data: Published) -> pd.DataFrame | None:
    """The prediction ledger's accuracy per earlier as_of and target whose horizon has passed, or None
    while no prediction_outcomes table is published (runs before the ledger)."""
    if not data.has("prediction_outcomes"):
        return None
    columns = data.present("prediction_outcomes", list(_OUTCOME_COLUMNS))
    return data.sql(f"select {', '.join(columns)} from prediction_outcomes order by target, as_of")


def outcome_series(rows: pd.DataFrame, target: str) -> tuple[str, pd.DataFrame]:
    """One target's accuracy over time, the published scores beside the rule's: the metric's name, and
    as_of × (published, rule)."""
    part = rows[rows["target"] == target]
    metric = next((m for m in ("roc_auc", "spearman") if m in part and part[m].notna().any()), "roc_auc")
    series = pd.DataFrame(
        {
            "as_of": part["as_of"],
            "published": part.get(metric),
            "rule": part.get(f"rule_{metric}"),
        }
    )
    return metric, series.dropna(how="all", subset=["published", "rule"])
