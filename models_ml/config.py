"""Every knob of the predictions in one place, with its default: the learning library's `ModelConfig`
and the dbt side's `TrainingSetConfig`. The settings (pipeline/settings/predictions.py) take their
defaults from here; dbt_project.yml vars and .env.example repeat them, and a unit test keeps them equal.
"""

from dataclasses import dataclass, field

CALIBRATION_METHODS = ("auto", "isotonic", "sigmoid")
REGRESSOR_PRIMARY_METRICS = ("spearman", "mae")
# who may score a target: the rule baseline, BG/NBD + Gamma-Gamma, XGBoost
CANDIDATES = ("rule", "btyd", "model")


@dataclass(frozen=True)
class TrainingSetConfig:
    """How dbt builds the training set (the dbt vars of int_training_cutoffs and int_training_samples)."""

    # training cutoffs: the latest month end whose label window ends by as_of, then one about every step
    training_cutoffs: int = 6
    training_cutoff_step_days: int = 30
    # at most this many customers per training cutoff, by a stable hash (everyone is scored)
    training_customers_per_cutoff: int = 50_000


@dataclass(frozen=True)
class GridCuts:
    """Cut points of the 3×3 predictive grid: below the first is low, from the second up is high."""

    purchase: tuple[float, float] = (0.2, 0.5)
    churn: tuple[float, float] = (0.2, 0.5)

    def __post_init__(self) -> None:
        for name in ("purchase", "churn"):
            low, high = getattr(self, name)
            if not 0 < low < high < 1:
                raise ValueError(f"GridCuts.{name}={(low, high)}: need 0 < low < high < 1")


@dataclass(frozen=True)
class ModelConfig:
    """Horizons, sampling, honesty thresholds, calibration and booster settings, with their defaults."""

    # Requested horizons in days. dbt may shrink a label window when history is short; the window
    # actually used is read from the labels and recorded in model_metrics beside these.
    purchase_horizon_days: int = 30
    churn_horizon_days: int = 180
    category_horizon_days: int = 90
    clv_horizon_days: int = 365
    next_order_horizon_days: int = 365
    # Bounded, stratified training sample (customer-cutoff rows; category rows are customer-cutoff-
    # category triples) and a bounded uniform sample of the held-out cutoff for the metrics.
    sample_size: int = 200_000
    evaluation_sample_size: int = 200_000
    # Eligibility (models_ml/eligibility.py says why each): customers with orders, positives and negatives
    # in the held-out window (also the minimum to train XGBoost), label window vs requested horizon.
    min_customers: int = 200
    min_positives: int = 30  # to train XGBoost, on the training cutoffs
    min_holdout_outcomes: int = 10  # positives and negatives in the held-out window, for any candidate
    min_horizon_share: float = 0.2
    # Floors every candidate (rule, BG/NBD, XGBoost) must reach on the held-out window to score a target
    # (models_ml/candidates.py); under both, the target is withheld.
    auc_floor: float = 0.6
    spearman_floor: float = 0.2
    floor_z: float = 2.0  # standard errors a held-out metric must clear its floor by (candidates.py)
    # what a more complex candidate (BG/NBD over the rule, XGBoost over either) must beat a simpler one by,
    # in AUC or Spearman (candidates.py)
    candidate_margin: float = 0.005
    # who may score a target; each is measured either way (a shop that wants XGBoost or nothing drops the
    # rule and BG/NBD, one that cannot run XGBoost drops 'model')
    candidates: tuple[str, ...] = CANDIDATES
    # Same data, same seed and same thread count give identical scores.
    seed: int = 42
    n_threads: int = 2
    calibration_method: str = "auto"
    calibration_fraction: float = 0.2  # share of customers held out of fitting to calibrate (by hash)
    grid_cuts: GridCuts = field(default_factory=GridCuts)
    # Champion / challenger: the challenger wins unless worse by more than the tolerance.
    champion_tolerance: float = 0.005
    regressor_primary_metric: str = "spearman"
    retrain_every_hours: float = 24.0
    # XGBoost: early stopping on the calibration fold keeps small shops from over-fitting.
    # purchase, churn and CLV boost from BG/NBD's score where it was fitted (CustomerProblem.prior)
    boost_from_btyd: bool = True
    # Shallow trees, smaller steps: on 8 shop shapes (300-2,000 customers) and CDNOW, depth 3 at 0.05 against
    # depth 5 at 0.1 raised the held-out sums by 0.023 AUC (purchase), 0.072 AUC (churn) and 0.090 Spearman
    # (CLV) over 8-9 shops; CDNOW itself moved by at most 0.003 (bench/bench_ladder.py, docs/predictions.md)
    learning_rate: float = 0.05
    max_depth: int = 3
    max_rounds: int = 300
    early_stopping_rounds: int = 20
    tweedie_variance_power: float = 1.3
    # Reasons from exact TreeSHAP instead of XGBoost's fast path attribution (see FittedModel.contributions).
    exact_contributions: bool = False
    # Survival predictions beyond this many days are capped (the date stays readable, not year 2090).
    next_order_max_days: int = 730

    def __post_init__(self) -> None:
        positive = (
            "purchase_horizon_days",
            "churn_horizon_days",
            "category_horizon_days",
            "clv_horizon_days",
            "next_order_horizon_days",
            "sample_size",
            "evaluation_sample_size",
            "min_customers",
            "min_positives",
            "min_holdout_outcomes",
            "n_threads",
            "max_depth",
            "max_rounds",
            "early_stopping_rounds",
            "next_order_max_days",
        )
        for name in positive:
            if getattr(self, name) < 1:
                raise ValueError(f"ModelConfig.{name}={getattr(self, name)!r} must be at least 1")
        if self.calibration_method not in CALIBRATION_METHODS:
            raise ValueError(
                f"ModelConfig.calibration_method={self.calibration_method!r}: "
                f"use one of {CALIBRATION_METHODS}"
            )
        if self.regressor_primary_metric not in REGRESSOR_PRIMARY_METRICS:
            raise ValueError(
                f"ModelConfig.regressor_primary_metric={self.regressor_primary_metric!r}: "
                f"use one of {REGRESSOR_PRIMARY_METRICS}"
            )
        if not 0.05 <= self.calibration_fraction <= 0.5:
            raise ValueError(
                f"ModelConfig.calibration_fraction={self.calibration_fraction} not in [0.05, 0.5]"
            )
        if not 0 <= self.auc_floor <= 1:
            raise ValueError(f"ModelConfig.auc_floor={self.auc_floor} not in [0, 1]")
        if not self.candidates or not set(self.candidates) <= set(CANDIDATES):
            raise ValueError(f"ModelConfig.candidates={self.candidates!r}: some of 'rule', 'btyd', 'model'")
        if not -1 <= self.spearman_floor <= 1 or not 0 < self.min_horizon_share <= 1:
            raise ValueError("ModelConfig.spearman_floor must be in [-1, 1], min_horizon_share in (0, 1]")
        if self.candidate_margin < 0:
            raise ValueError(f"ModelConfig.candidate_margin={self.candidate_margin} must not be negative")
        if self.champion_tolerance < 0 or self.retrain_every_hours < 0:
            raise ValueError("ModelConfig.champion_tolerance and retrain_every_hours must not be negative")
        if not 0 < self.learning_rate <= 1 or not 1 < self.tweedie_variance_power < 2:
            raise ValueError("ModelConfig.learning_rate must be in (0, 1], tweedie_variance_power in (1, 2)")
