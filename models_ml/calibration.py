"""Probability calibration fitted on a held-out fold, stored as plain JSON (no pickle).

Isotonic: scikit-learn's `IsotonicRegression`, kept as its threshold arrays and applied by linear
interpolation (what scikit-learn does). Sigmoid: Platt scaling on the log-odds, kept as two numbers.
Auto (the default): isotonic once the fold has enough of each class, else sigmoid. Isotonic is a step
function: on a small fold its few wide steps give many customers the same probability, and those ties
cost ranking (held-out purchase AUC 0.772 with sigmoid against 0.756 with isotonic on the 1,500-customer
seasonal shop); sigmoid is strictly increasing, so it keeps the model's ranking exactly. On a large fold
the steps still tie thousands of customers whom the model had ordered (CDNOW's one-time buyers), so the
isotonic map mixes in a millionth of the raw probability: strictly increasing, the model's order kept, no
probability moved by more than a millionth.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

_EPS = 1e-6
_EPS_PUBLISHED = 1e-3
_TIE_BREAK = 1e-6  # the raw probability's weight in the isotonic map: orders a step, moves nothing
# scikit-learn's guidance: isotonic over-fits with fewer than about 1,000 calibration rows
ISOTONIC_MIN_PER_CLASS = 1_000


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


@dataclass(frozen=True)
class Calibrator:
    """Maps a raw model probability to a calibrated one. `method='identity'` leaves it unchanged."""

    method: str
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()
    slope: float = 1.0
    intercept: float = 0.0

    @classmethod
    def fit(cls, raw: np.ndarray, outcome: np.ndarray, method: str) -> "Calibrator":
        raw = np.asarray(raw, dtype=np.float64)
        outcome = np.asarray(outcome, dtype=np.float64)
        if len(np.unique(outcome)) < 2:  # one class: nothing to learn, keep the model's own scale
            return cls("identity")
        if method == "auto":
            positives = int(np.sum(outcome > 0))
            enough = min(positives, len(outcome) - positives) >= ISOTONIC_MIN_PER_CLASS
            method = "isotonic" if enough else "sigmoid"
        if method == "isotonic":
            iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw, outcome)
            return cls("isotonic", tuple(iso.X_thresholds_.tolist()), tuple(iso.y_thresholds_.tolist()))
        if method == "sigmoid":
            platt = LogisticRegression(C=1e6).fit(_logit(raw).reshape(-1, 1), outcome)
            return cls("sigmoid", slope=float(platt.coef_[0, 0]), intercept=float(platt.intercept_[0]))
        raise ValueError(f"unknown calibration method {method!r}")

    def apply(self, raw: np.ndarray) -> np.ndarray:
        raw = np.asarray(raw, dtype=np.float64)
        if self.method == "isotonic":  # a step at 0 or 1 would publish certainty no fold can show
            stepped = np.clip(np.interp(raw, self.x, self.y), _EPS_PUBLISHED, 1 - _EPS_PUBLISHED)
            return stepped * (1 - _TIE_BREAK) + _TIE_BREAK * np.clip(raw, 0.0, 1.0)
        if self.method == "sigmoid":
            return 1.0 / (1.0 + np.exp(-(self.slope * _logit(raw) + self.intercept)))
        return raw

    def to_dict(self) -> dict:
        return {
            "method": self.method,
            "x": list(self.x),
            "y": list(self.y),
            "slope": self.slope,
            "intercept": self.intercept,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Calibrator":
        return cls(
            data["method"],
            tuple(data.get("x", ())),
            tuple(data.get("y", ())),
            float(data.get("slope", 1.0)),
            float(data.get("intercept", 0.0)),
        )
