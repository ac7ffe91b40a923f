"""Global feature importance per model: share of the total split gain, and mean |contribution|."""

import numpy as np
import pandas as pd

from models_ml.boosting import FittedModel

IMPORTANCE_COLUMNS = [
    "model",
    "model_version",
    "feature",
    "importance_rank",
    "gain_share",
    "mean_abs_contribution",
]


def feature_importance(
    model_name: str, version: str, fitted: FittedModel, mean_abs: np.ndarray | None = None
) -> pd.DataFrame:
    """One row per feature of the model (unused features get 0), most important first.

    `gain_share` is the feature's share of the total gain of all splits; `mean_abs_contribution` the
    mean absolute XGBoost contribution over the scored customers (log-odds; `mean_abs`, in the model's
    feature order, where computed).
    """
    gain = fitted.booster.get_score(importance_type="total_gain")
    total = sum(gain.values()) or 1.0
    frame = pd.DataFrame(
        {
            "model": model_name,
            "model_version": version,
            "feature": fitted.features,
            "gain_share": [gain.get(f, 0.0) / total for f in fitted.features],
            "mean_abs_contribution": mean_abs if mean_abs is not None else np.nan,
        }
    )
    frame = frame.sort_values(["gain_share", "feature"], ascending=[False, True], kind="stable")
    frame["importance_rank"] = np.arange(1, len(frame) + 1)
    return frame[IMPORTANCE_COLUMNS].reset_index(drop=True)
