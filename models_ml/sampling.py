"""Deterministic, order-independent row selection: stratified training samples and the calibration fold.

Rows are chosen by a keyed hash of (customer_id, cutoff_date), not by position, so the same data gives
the same sample whatever order the warehouse returns it in.
"""

import numpy as np
import pandas as pd

from models_ml.contract import CUSTOMER_ID, CUTOFF

_BUCKETS = 10_000


def _hash_key(seed: int, salt: str) -> str:
    return f"{salt[:4]:>4}{seed % 10**12:012d}"  # pandas wants exactly 16 characters


def row_hashes(frame: pd.DataFrame, seed: int) -> np.ndarray:
    """A stable 64-bit hash per (customer_id, cutoff_date) row."""
    keys = frame[[CUSTOMER_ID, CUTOFF]]
    return pd.util.hash_pandas_object(keys, index=False, hash_key=_hash_key(seed, "rows")).to_numpy()


def customer_hashes(frame: pd.DataFrame, seed: int) -> np.ndarray:
    """A stable 64-bit hash per customer, the same at every cutoff."""
    ids = frame[CUSTOMER_ID]
    return pd.util.hash_pandas_object(ids, index=False, hash_key=_hash_key(seed, "cust")).to_numpy()


def calibration_fold(customer_hash: np.ndarray, fraction: float) -> np.ndarray:
    """True for customers held out of fitting to calibrate; a customer is in it at every cutoff."""
    return (customer_hash % _BUCKETS) < round(fraction * _BUCKETS)


def stratified_sample(hashes: np.ndarray, strata: np.ndarray, size: int) -> np.ndarray:
    """Indices of at most `size` rows keeping each stratum's share, in canonical (hash) order.

    Each stratum is sampled at the same rate (proportional allocation), so class rates and hence
    calibrated probabilities are not distorted by the sampling.
    """
    order = np.argsort(hashes, kind="stable")
    if len(hashes) <= size:
        return order
    rate = size / len(hashes)
    keep = []
    for value in np.unique(strata):
        members = order[strata[order] == value]  # already in hash order
        keep.append(members[: int(round(rate * len(members)))])
    chosen = np.concatenate(keep)
    return chosen[np.argsort(hashes[chosen], kind="stable")]


def uniform_sample(hashes: np.ndarray, size: int) -> np.ndarray:
    """Indices of at most `size` rows with the smallest hashes (an unbiased sample), in hash order."""
    return np.argsort(hashes, kind="stable")[:size]
