"""The 3×3 predictive grid: purchase probability (low / medium / high) × churn probability."""

import numpy as np

from models_ml.config import GridCuts

LEVELS = ("low", "medium", "high")
PREDICTIVE_CELLS = tuple(f"{p}_purchase/{c}_churn" for p in LEVELS for c in LEVELS)
DEFAULT_CUTS = GridCuts()


def _level(probability: float, cuts: tuple[float, float]) -> str:
    return LEVELS[int(probability >= cuts[0]) + int(probability >= cuts[1])]


def _cuts(cuts: GridCuts | tuple[float, float]) -> GridCuts:
    return cuts if isinstance(cuts, GridCuts) else GridCuts(purchase=tuple(cuts), churn=tuple(cuts))


def predictive_cell(
    purchase_p: float, churn_p: float, cuts: GridCuts | tuple[float, float] = DEFAULT_CUTS
) -> str:
    """E.g. 'high_purchase/low_churn'. A value below the first cut is low, from the second up high.

    `cuts` is a `GridCuts` (one pair per axis) or one (low, high) pair used for both axes.
    """
    grid = _cuts(cuts)
    return f"{_level(purchase_p, grid.purchase)}_purchase/{_level(churn_p, grid.churn)}_churn"


def predictive_cells(
    purchase_p: np.ndarray, churn_p: np.ndarray, cuts: GridCuts | tuple[float, float] = DEFAULT_CUTS
) -> np.ndarray:
    """`predictive_cell` for whole columns at once."""
    grid = _cuts(cuts)
    purchase = np.searchsorted(np.array(grid.purchase), purchase_p, side="right")
    churn = np.searchsorted(np.array(grid.churn), churn_p, side="right")
    return np.array(PREDICTIVE_CELLS, dtype=object)[purchase * len(LEVELS) + churn]
