"""The category segments' inputs: the feature rows of the category training cutoffs with one label column
per category, the customers at as_of, and each category's average order value (the dbt model
category_order_values), read-only."""

from dataclasses import dataclass

import pandas as pd

from pipeline.engine import Warehouse

ORDER_VALUES = "marts.category_order_values"  # dbt_project/models/marts/core/category_order_values.sql

# not features of a rule: keys, flags and the cutoff itself
NOT_RULE_FEATURES = ("customer_id", "cutoff_date", "is_scoring_cutoff")


@dataclass(frozen=True)
class SegmentInputs:
    training: pd.DataFrame  # feature rows at the category training cutoffs
    labels: pd.DataFrame  # one boolean column per category, row-aligned with training
    scoring: pd.DataFrame  # feature rows at as_of (every customer)
    average_order_value: dict[str, float]  # per category: its order-line revenue per order with it

    @property
    def feature_columns(self) -> list[str]:
        numeric = self.training.select_dtypes(include=["number", "bool"]).columns
        return [column for column in numeric if column not in NOT_RULE_FEATURES]


def segment_inputs(frame: pd.DataFrame, labels_long: pd.DataFrame, warehouse: Warehouse) -> SegmentInputs:
    """`frame` (features) and `labels_long` (category labels) as the predictions read them
    (pipeline/defs/ml/inputs.py)."""
    scoring = frame[frame["is_scoring_cutoff"]].reset_index(drop=True)
    if labels_long.empty:
        empty = frame.iloc[0:0]
        return SegmentInputs(empty, pd.DataFrame(index=empty.index), scoring, {})
    wide = labels_long.pivot_table(
        index=["customer_id", "cutoff_date"], columns="category", values="bought", aggfunc="max"
    ).astype(bool)
    wide.columns = [str(column) for column in wide.columns]
    keys = pd.MultiIndex.from_frame(frame[["customer_id", "cutoff_date"]])
    in_training = keys.isin(wide.index)
    training = frame[in_training].reset_index(drop=True)
    training_keys = pd.MultiIndex.from_frame(training[["customer_id", "cutoff_date"]])
    labels = wide.reindex(training_keys).reset_index(drop=True)
    with warehouse.reading() as reader:
        rows = reader.rows(f"select category, average_order_value from {ORDER_VALUES}")
    return SegmentInputs(training, labels, scoring, {category: float(value) for category, value in rows})
