"""Shared state of one run: the checked inputs, the design, row hashes and the rows to score."""

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from models_ml.baselines import BASELINE_COLUMNS
from models_ml.config import ModelConfig
from models_ml.contract import CUSTOMER_ID, KEYS, SCORING_FLAG, Inputs
from models_ml.design import Design
from models_ml.sampling import customer_hashes, row_hashes


@dataclass
class RunContext:
    inputs: Inputs
    config: ModelConfig
    design: Design = field(init=False)

    def __post_init__(self) -> None:
        self.design = Design(self.inputs.features, self.inputs.mix)
        features = self.design.features
        self.row_hash = row_hashes(features, self.config.seed)
        self.customer_hash = customer_hashes(features, self.config.seed)
        scoring = np.flatnonzero(features[SCORING_FLAG].to_numpy())
        # canonical output order: by customer id, whatever order the warehouse returned
        order = np.argsort(features[CUSTOMER_ID].to_numpy()[scoring], kind="stable")
        self.scoring_rows = scoring[order]

    @cached_property
    def scoring_matrix(self) -> np.ndarray:
        return self.design.matrix(self.scoring_rows)

    @cached_property
    def scoring_customers(self) -> np.ndarray:
        return self.design.features[CUSTOMER_ID].to_numpy()[self.scoring_rows]

    def frame(self, rows: np.ndarray | None, columns: list[str] = BASELINE_COLUMNS) -> pd.DataFrame:
        """Raw feature columns (the baselines' by default) of `rows` (None: the scoring rows)."""
        features = self.design.features
        present = [c for c in columns if c in features]
        return features[present].iloc[self.scoring_rows if rows is None else rows].reset_index(drop=True)

    @cached_property
    def located_labels(self) -> pd.DataFrame:
        """The labels frame with `_row`, the position of each label's feature row (unmatched dropped)."""
        training = ~self.design.features[SCORING_FLAG].to_numpy()
        positions = self.design.features.loc[training, KEYS].assign(_row=np.flatnonzero(training))
        return self.inputs.labels.merge(positions, on=KEYS, how="inner")
