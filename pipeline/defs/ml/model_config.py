"""The learning library's configuration, from the run's settings (a pure function, unit-tested)."""

from models_ml import GridCuts, ModelConfig
from pipeline.settings import PulseSettings


def model_config(settings: PulseSettings) -> ModelConfig:
    predictions = settings.predictions
    return ModelConfig(
        purchase_horizon_days=predictions.purchase_horizon_days,
        churn_horizon_days=predictions.churn_horizon_days,
        category_horizon_days=predictions.category_horizon_days,
        clv_horizon_days=predictions.clv_horizon_days,
        sample_size=predictions.training_sample_rows,
        min_customers=predictions.min_training_customers,
        min_positives=predictions.min_training_positives,
        min_holdout_outcomes=predictions.min_holdout_outcomes,
        min_horizon_share=predictions.min_horizon_share,
        auc_floor=predictions.auc_floor,
        spearman_floor=predictions.spearman_floor,
        floor_z=predictions.floor_z,
        candidates=predictions.candidates,
        calibration_method=predictions.calibration_method,
        retrain_every_hours=predictions.retrain_every_hours,
        grid_cuts=GridCuts(purchase=predictions.purchase_cut_points, churn=predictions.churn_cut_points),
    )
