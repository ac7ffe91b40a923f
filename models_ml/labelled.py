"""Labelled rows of one model: where their features are, their target, cutoff and customer, and counts."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models_ml.boosting import Target


@dataclass
class LabelledSet:
    """Rows with a usable label. `rows` are positions in the feature frame; `category` (category
    propensity only) is the category index of each customer-cutoff-category row."""

    rows: np.ndarray
    target: Target
    cutoff: np.ndarray  # datetime64[s]
    customer_hash: np.ndarray
    row_hash: np.ndarray
    category: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def take(self, index: np.ndarray) -> "LabelledSet":
        return LabelledSet(
            self.rows[index],
            self.target.take(index),
            self.cutoff[index],
            self.customer_hash[index],
            self.row_hash[index],
            None if self.category is None else self.category[index],
        )

    def where(self, mask: np.ndarray) -> "LabelledSet":
        return self.take(np.flatnonzero(mask))

    @property
    def cutoffs(self) -> np.ndarray:
        return np.unique(self.cutoff)

    @property
    def customers(self) -> int:
        return len(pd.unique(self.customer_hash))  # hash table, not a sort: large sets

    @property
    def positive(self) -> np.ndarray:
        """Positive rows: the event happened (classifier), value > 0 (regressor), observed (survival)."""
        label = self.target.label
        if self.target.kind == "survival":
            return ~np.isnan(label)
        return label > 0

    @property
    def positives(self) -> int:
        return int(self.positive.sum())

    @property
    def strata(self) -> np.ndarray:
        """What the training sample is stratified by (the label, or zero / non-zero, observed / not)."""
        return self.positive.astype(np.int8)

    def counts(self) -> dict[str, int]:
        return {"rows": len(self), "customers": self.customers, "positives": self.positives}
