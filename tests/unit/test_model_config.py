"""The learning library's configuration follows the run's settings."""

from pipeline.defs.ml.model_config import model_config
from pipeline.settings import PulseSettings


def test_settings_reach_the_model_config():
    settings = PulseSettings.from_env(
        {
            "PULSE_PURCHASE_HORIZON_DAYS": "14",
            "PULSE_TRAINING_SAMPLE_ROWS": "5000",
            "PULSE_MIN_TRAINING_POSITIVES": "10",
            "PULSE_AUC_FLOOR": "0.65",
            "PULSE_PURCHASE_CUT_POINTS": "0.1,0.4",
        }
    )
    config = model_config(settings)
    assert (config.purchase_horizon_days, config.sample_size, config.min_positives) == (14, 5000, 10)
    assert config.auc_floor == 0.65
    assert config.grid_cuts.purchase == (0.1, 0.4) and config.grid_cuts.churn == (0.2, 0.5)
