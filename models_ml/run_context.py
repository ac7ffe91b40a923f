"""Shared state of one run: the checked inputs, the design, row hashes and the rows to score."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from models_ml.baselines import BASELINE_COLUMNS
from models_ml.btyd_cutoffs import CutoffBtyd
from models_ml.config import ModelConfig
from models_ml.contract import CUSTOMER_ID, SCORING_FLAG, Inputs
from models_ml.design import Design

# customers scored and explained at a time: about 130 MB of float32 features a chunk
SCORING_CHUNK_ROWS = 500_000


@dataclass
class RunContext:
    inputs: Inputs
    config: ModelConfig
    design: Design = field(init=False)
    btyd: CutoffBtyd = field(init=False)

    def __post_init__(self) -> None:
        mix = self.inputs.mix
        self.customer_hash, self.row_hash = self.inputs.index.hashes(self.config.seed)
        # BG/NBD at every cutoff: a candidate of its own, and its outputs are features for XGBoost
        self.btyd = CutoffBtyd(self.inputs.features, self.config.seed, self.customer_hash)
        extra = self.btyd.features(self.config.purchase_horizon_days, self.config.clv_horizon_days)
        features = pd.concat([self.inputs.features.reset_index(drop=True), extra], axis=1)
        self.design = Design(features, mix, self.inputs.locate(mix))
        features = self.design.features
        scoring = np.flatnonzero(features[SCORING_FLAG].to_numpy())
        # canonical output order: by customer id, whatever order the warehouse returned
        ids = features[CUSTOMER_ID].iloc[scoring].reset_index(drop=True)
        order = ids.argsort(kind="stable").to_numpy()
        self.scoring_rows = scoring[order]
        self.scoring_customers: pd.Series = ids.take(order).reset_index(drop=True)  # str, Arrow-backed

    def scoring_chunks(self, chunk_rows: int | None = None) -> Iterator[tuple[slice, np.ndarray]]:
        """The scoring rows' feature matrix, `chunk_rows` rows at a time (and the rows each chunk holds):
        built per use, not kept, as the whole matrix would be 1 GB at 4.2 M scored customers, resident for
        the whole run. One empty chunk when nothing is scored."""
        chunk_rows = chunk_rows or SCORING_CHUNK_ROWS
        for start in range(0, len(self.scoring_rows), chunk_rows) or range(1):
            rows = slice(start, start + chunk_rows)
            yield rows, self.design.matrix(self.scoring_rows[rows])

    def scoring_columns(self, names: list[str]) -> np.ndarray:
        """The scoring rows' values of a few design columns, in `names` order (NaN for a column the design
        does not have)."""
        return self.design.matrix(self.scoring_rows, names)

    def frame(self, rows: np.ndarray | None, columns: list[str] = BASELINE_COLUMNS) -> pd.DataFrame:
        """Raw feature columns (the baselines' by default) of `rows` (None: the scoring rows)."""
        features = self.design.features
        present = [c for c in columns if c in features]
        return features[present].iloc[self.scoring_rows if rows is None else rows].reset_index(drop=True)

    @cached_property
    def label_rows(self) -> np.ndarray:
        """The training feature row of each row of the labels frame; -1 where there is none."""
        rows = self.inputs.label_rows.copy()
        found = rows >= 0
        training = ~self.design.features[SCORING_FLAG].to_numpy()
        rows[found] = np.where(training[rows[found]], rows[found], -1)
        return rows
