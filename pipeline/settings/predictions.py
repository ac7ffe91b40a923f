"""Settings of the predictions (PULSE_*_HORIZON_DAYS, PULSE_TRAINING_*, the quality floor, retraining).

Every default comes from models_ml/config.py, the one home of the prediction defaults.
"""

from dataclasses import dataclass

from models_ml.config import CALIBRATION_METHODS, CANDIDATES, GridCuts, ModelConfig, TrainingSetConfig
from pipeline.settings.environment import EnvReader, SettingsError

_MODEL = ModelConfig()
_TRAINING = TrainingSetConfig()
_GRID = GridCuts()


def _candidates(text: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    if not text:
        return default
    names = tuple(name.strip().lower() for name in text.split(",") if name.strip())
    if not names or not set(names) <= set(CANDIDATES):
        raise SettingsError(
            f"PULSE_PREDICTION_CANDIDATES={text!r}: a comma-separated list of {', '.join(CANDIDATES)}"
        )
    return names


@dataclass(frozen=True)
class PredictionSettings:
    # label windows after a training cutoff, in days (dbt shrinks them on short history)
    purchase_horizon_days: int = _MODEL.purchase_horizon_days
    churn_horizon_days: int = _MODEL.churn_horizon_days
    category_horizon_days: int = _MODEL.category_horizon_days
    clv_horizon_days: int = _MODEL.clv_horizon_days
    # training cutoffs: the latest whose label window ends at as_of, then one every step, up to this many
    training_cutoffs: int = _TRAINING.training_cutoffs
    training_cutoff_step_days: int = _TRAINING.training_cutoff_step_days
    # bounded training data: customers per training cutoff (dbt), then a stratified sample of rows (models_ml)
    training_customers_per_cutoff: int = _TRAINING.training_customers_per_cutoff
    training_sample_rows: int = _MODEL.sample_size
    # a target is predicted only with this many customers with orders, and positives and negatives in the
    # held-out window (models_ml/eligibility.py says why); else it is withheld
    min_training_customers: int = _MODEL.min_customers
    min_training_positives: int = _MODEL.min_positives
    min_holdout_outcomes: int = _MODEL.min_holdout_outcomes
    min_horizon_share: float = _MODEL.min_horizon_share
    # the floors every candidate must reach on the held-out window to score a target (else it is withheld)
    auc_floor: float = _MODEL.auc_floor
    spearman_floor: float = _MODEL.spearman_floor
    # standard errors a held-out metric must clear its floor by, and who may score a target
    floor_z: float = _MODEL.floor_z
    candidates: tuple[str, ...] = _MODEL.candidates
    retrain_every_hours: float = _MODEL.retrain_every_hours
    calibration_method: str = _MODEL.calibration_method
    # the 3 x 3 predictive grid: purchase probability x churn probability
    purchase_cut_points: tuple[float, float] = _GRID.purchase
    churn_cut_points: tuple[float, float] = _GRID.churn

    @classmethod
    def from_env(cls, env: EnvReader) -> "PredictionSettings":
        method = (env.text("PULSE_CALIBRATION_METHOD") or cls.calibration_method).lower()
        if method not in CALIBRATION_METHODS:
            choices = ", ".join(CALIBRATION_METHODS)
            raise SettingsError(f"PULSE_CALIBRATION_METHOD={method!r} is not one of {choices}")
        return cls(
            purchase_horizon_days=env.whole("PULSE_PURCHASE_HORIZON_DAYS", cls.purchase_horizon_days, 1),
            churn_horizon_days=env.whole("PULSE_CHURN_HORIZON_DAYS", cls.churn_horizon_days, 1),
            category_horizon_days=env.whole("PULSE_CATEGORY_HORIZON_DAYS", cls.category_horizon_days, 1),
            clv_horizon_days=env.whole("PULSE_CLV_HORIZON_DAYS", cls.clv_horizon_days, 1),
            training_cutoffs=env.whole("PULSE_TRAINING_CUTOFFS", cls.training_cutoffs, 1),
            training_cutoff_step_days=env.whole(
                "PULSE_TRAINING_CUTOFF_STEP_DAYS", cls.training_cutoff_step_days, 1
            ),
            training_customers_per_cutoff=env.whole(
                "PULSE_TRAINING_CUSTOMERS_PER_CUTOFF", cls.training_customers_per_cutoff, 100
            ),
            training_sample_rows=env.whole("PULSE_TRAINING_SAMPLE_ROWS", cls.training_sample_rows, 1000),
            min_training_customers=env.whole("PULSE_MIN_TRAINING_CUSTOMERS", cls.min_training_customers, 1),
            min_training_positives=env.whole("PULSE_MIN_TRAINING_POSITIVES", cls.min_training_positives, 1),
            min_holdout_outcomes=env.whole("PULSE_MIN_HOLDOUT_OUTCOMES", cls.min_holdout_outcomes, 2),
            min_horizon_share=env.share("PULSE_MIN_HORIZON_SHARE", cls.min_horizon_share),
            auc_floor=env.share("PULSE_AUC_FLOOR", cls.auc_floor),
            spearman_floor=env.share("PULSE_SPEARMAN_FLOOR", cls.spearman_floor),
            floor_z=env.number("PULSE_FLOOR_Z", cls.floor_z, 0),
            candidates=_candidates(env.text("PULSE_PREDICTION_CANDIDATES"), cls.candidates),
            retrain_every_hours=env.number("PULSE_RETRAIN_EVERY_HOURS", cls.retrain_every_hours, 0),
            calibration_method=method,
            purchase_cut_points=env.cut_points("PULSE_PURCHASE_CUT_POINTS", cls.purchase_cut_points),
            churn_cut_points=env.cut_points("PULSE_CHURN_CUT_POINTS", cls.churn_cut_points),
        )

    def dbt_vars(self) -> dict[str, object]:
        """What the dbt feature and label models need (dbt_project.yml documents each)."""
        return {
            "purchase_horizon_days": self.purchase_horizon_days,
            "churn_horizon_days": self.churn_horizon_days,
            "category_horizon_days": self.category_horizon_days,
            "clv_horizon_days": self.clv_horizon_days,
            "training_cutoffs": self.training_cutoffs,
            "training_cutoff_step_days": self.training_cutoff_step_days,
            "training_customers_per_cutoff": self.training_customers_per_cutoff,
        }
