"""A model's page draws its plots in the materialization's description, which the Dagster UI renders in
the page; its Markdown metadata stays under the UI's 1,000-character limit for showing Markdown inline."""

import base64

import dagster as dg
import pandas as pd

from models_ml.plots import feature_importance_png
from pipeline.defs.ml.model_pages import model_materialization

# dagster-webserver (ui-core/src/metadata/MetadataEntry.tsx) renders a Markdown metadata value inline
# only below this length; longer ones hide behind a "[Show Markdown]" link
UI_INLINE_MARKDOWN_LIMIT = 1000


def _metrics() -> pd.DataFrame:
    row = {
        "model": "churn",
        "kind": "classifier",
        "prediction_source": "model",
        "reason": "XGBoost scores: roc_auc 0.81 surely above the floor 0.6",
        "grade": "Good",
        "horizon_days": 180,
        "roc_auc": 0.81,
        "btyd_roc_auc": 0.78,
        "baseline_roc_auc": 0.74,
        "brier": 0.18,
    }
    return pd.DataFrame([row])


def test_plots_are_drawn_in_the_description_and_metadata_markdown_renders_inline():
    importance = pd.DataFrame(
        {"model": "churn", "feature": ["recency_days", "order_count"], "gain_share": [0.7, 0.3]}
    ).assign(importance_rank=[1, 2])
    png = feature_importance_png(importance, "churn")
    event = model_materialization(
        dg.AssetKey("churn_model"), _metrics(), {"feature_importance": png}, "/p/_models/churn/v1.zip"
    )
    assert isinstance(event, dg.AssetMaterialization) and event.asset_key == dg.AssetKey("churn_model")
    embedded = f"![feature_importance](data:image/png;base64,{base64.b64encode(png).decode()})"
    assert event.description == embedded
    markdown = {k: v.value for k, v in event.metadata.items() if isinstance(v, dg.MarkdownMetadataValue)}
    assert "| ROC AUC | 0.8100 | 0.7800 | 0.7400 |" in markdown["metrics"]
    assert all(len(text) < UI_INLINE_MARKDOWN_LIMIT for text in markdown.values()), markdown
    assert "data:image" not in str(event.metadata)  # the plots are stored once, in the description
    assert event.metadata["grade"].value == "Good"


def test_a_model_without_plots_has_no_description():
    event = model_materialization(dg.AssetKey("clv_model"), _metrics(), {}, None)
    assert event.description is None and "plots" not in event.metadata
