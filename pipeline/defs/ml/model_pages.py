"""What each model's asset page shows in the Dagster UI: who scores the target and its grade, held-out
metrics of XGBoost, BG/NBD and the rule side by side, the champion decision, and the plots (cumulative
gain, calibration, feature importance, accuracy over time).

The plots are the materialization's description, which the UI renders as Markdown in the page (the
asset's Events tab). A Markdown metadata value over 1,000 characters, as any embedded PNG is, shows only
as a "[Show Markdown]" link (dagster-webserver's MetadataEntry), so the plots are not metadata.
"""

import base64
import math

import dagster as dg
import pandas as pd

# (column, label) pairs shown per kind of model; each has `btyd_` and `baseline_` (rule) twins
CLASSIFIER_METRICS = (
    ("roc_auc", "ROC AUC"),
    ("pr_auc", "PR AUC"),
    ("brier", "Brier score"),
    ("ece", "Expected calibration error"),
    ("lift_top_decile", "Lift, top decile"),
    ("gain_top_decile", "Cumulative gain, top decile"),
)
REGRESSOR_METRICS = (
    ("mae", "MAE"),
    ("rmse", "RMSE"),
    ("spearman", "Spearman"),
    ("total_predicted", "Total predicted"),
    ("total_actual", "Total actual"),
)


def _number(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:,.4f}" if abs(value) < 100 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def metrics_markdown(row: pd.Series) -> str:
    names = CLASSIFIER_METRICS if row.get("kind") == "classifier" else REGRESSOR_METRICS
    lines = ["| held-out metric | XGBoost | BG/NBD | rule |", "| --- | ---: | ---: | ---: |"]
    for column, label in names:
        if column in row.index:
            values = [_number(row.get(f"{prefix}{column}")) for prefix in ("", "btyd_", "baseline_")]
            lines.append(f"| {label} | {' | '.join(values)} |")
    return "\n".join(lines)


def plots_markdown(plots: dict[str, bytes]) -> str:
    """The plots as Markdown images with their PNGs embedded (data URIs: nothing to serve), in one
    paragraph so they sit side by side where the page is wide enough; each plot carries its own title."""
    return "\n".join(
        f"![{name}](data:image/png;base64,{base64.b64encode(png).decode()})" for name, png in plots.items()
    )


def model_page(metrics: pd.DataFrame, plots: dict[str, bytes], bundle_uri: str | None) -> dict:
    """Metadata for one model's materialization. `metrics`: its rows of model_metrics (one; the category
    model has one per category after its overall row)."""
    row = metrics.iloc[0]
    page = {
        "prediction_source": row["prediction_source"],
        "reason": str(row["reason"]),
        "champion_decision": str(row.get("champion_decision", "")),
        "model_version": str(row.get("model_version", "")),
        "horizon_days": _number(row.get("horizon_days")),
        "holdout_cutoff": str(row.get("holdout_cutoff", "")),
        "grade": str(row["grade"]) if pd.notna(row.get("grade")) else "none (withheld)",
        "metrics": dg.MetadataValue.md(metrics_markdown(row)),
    }
    if len(metrics) > 1 and "category" in metrics.columns:
        lines = ["| category | source | ROC AUC | baseline ROC AUC |", "| --- | --- | ---: | ---: |"]
        for _, category in metrics.iloc[1:].iterrows():
            lines.append(
                f"| {category['category']} | {category['prediction_source']} | "
                f"{_number(category.get('roc_auc'))} | {_number(category.get('baseline_roc_auc'))} |"
            )
        page["categories"] = dg.MetadataValue.md("\n".join(lines))
    if plots:
        names = ", ".join(name.replace("_", " ") for name in plots)
        page["plots"] = f"{names}: drawn in the description (Events tab)"
    if bundle_uri:
        page["registry_uri"] = dg.MetadataValue.path(bundle_uri)
    return page


def model_materialization(
    key: dg.AssetKey, metrics: pd.DataFrame, plots: dict[str, bytes], bundle_uri: str | None
) -> dg.AssetMaterialization:
    """One model's materialization: the page's metadata, and its plots drawn in the description."""
    return dg.AssetMaterialization(
        asset_key=key,
        description=plots_markdown(plots) or None,
        metadata=model_page(metrics, plots, bundle_uri),
    )
