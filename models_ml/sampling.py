"""Deterministic, order-independent row selection: stratified training samples and the calibration fold.

Rows are chosen by a keyed hash of (customer_id, cutoff_date) (see `RowIndex.hashes`), not by position,
so the same data gives the same sample whatever order the warehouse returns it in.
"""

import numpy as np

_BUCKETS = 10_000


def calibration_fold(customer_hash: np.ndarray, fraction: float) -> np.ndarray:
    """True for customers held out of fitting to calibrate; a customer is in it at every cutoff."""
    return (customer_hash % _BUCKETS) < round(fraction * _BUCKETS)


def evaluation_fold(customer_hash: np.ndarray) -> np.ndarray:
    """True for the half of the customers the held-out window is measured on; the other half trains the
    evaluation model. Disjoint customers matter because the label windows of earlier cutoffs overlap the
    held-out one (a 180-day churn window a month earlier shares 150 days): a model that recognises a
    customer by their features would otherwise carry that customer's shared outcome into the measurement
    (on a shop whose purchases are pure chance, held-out churn AUC rose from 0.47 to 0.86 with the overlap).
    The hash's upper half decides, so the fold is independent of the calibration fold."""
    return ((customer_hash >> np.uint64(32)) & np.uint64(1)) == 0


def smallest_hashes(hashes: np.ndarray, members: np.ndarray, count: int) -> np.ndarray:
    """The `count` members with the smallest hashes, in hash order (a partition, not a full sort)."""
    if count >= len(members):
        chosen = members
    elif count <= 0:
        return members[:0]
    else:
        chosen = members[np.argpartition(hashes[members], count - 1)[:count]]
    return chosen[np.argsort(hashes[chosen], kind="stable")]


def stratified_sample(hashes: np.ndarray, strata: np.ndarray, size: int) -> np.ndarray:
    """Indices of at most `size` rows keeping each stratum's share, in canonical (hash) order.

    Each stratum is sampled at the same rate (proportional allocation), so class rates and hence
    calibrated probabilities are not distorted by the sampling.
    """
    everyone = np.arange(len(hashes))
    if len(hashes) <= size:
        return smallest_hashes(hashes, everyone, len(hashes))
    rate = size / len(hashes)
    chosen = [
        smallest_hashes(hashes, members, int(round(rate * len(members))))
        for members in (np.flatnonzero(strata == value) for value in np.unique(strata))
    ]
    merged = np.concatenate(chosen)
    return merged[np.argsort(hashes[merged], kind="stable")]


def uniform_sample(hashes: np.ndarray, size: int) -> np.ndarray:
    """Indices of at most `size` rows with the smallest hashes (an unbiased sample), in hash order."""
    return smallest_hashes(hashes, np.arange(len(hashes)), size)
