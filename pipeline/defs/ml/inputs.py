"""The learning library's inputs, read from the warehouse the dbt feature models built (read-only).

They arrive as pandas frames, the form the library works in, converted here so that a run holds one copy
of the features and none of the engine's memory (`WarehouseReader.frame`)."""

from dataclasses import dataclass
from datetime import date

import pandas as pd

from models_ml.design import MIX_PREFIXES, slug
from pipeline.engine import Warehouse, WarehouseReader

FEATURES = "features.ml_customer_features"
MIX = "features.ml_customer_mix_features"
LABELS = "features.ml_training_labels"
CATEGORY_LABELS = "features.ml_category_labels"
RUN_CONTEXT = "intermediate.int_run_context"


@dataclass(frozen=True)
class PredictionInputs:
    as_of: date
    features: pd.DataFrame  # one row per (customer_id, cutoff_date), the category and channel mix as columns
    labels: pd.DataFrame
    category_labels: pd.DataFrame


def _mix_columns(reader: WarehouseReader) -> list[tuple[str, str, str]]:
    """(dimension, value, column name) for every mix value the shop has, named as the learning library
    names them (e.g. category_share__shoes)."""
    rows = reader.rows(f"select distinct dimension, value from {MIX} order by dimension, value")
    return [(dimension, value, MIX_PREFIXES[dimension] + slug(value)) for dimension, value in rows]


def read_prediction_inputs(
    warehouse: Warehouse, *, features_without_categories: bool = True
) -> PredictionInputs:
    """Features with the long mix pivoted into share columns by the engine, so the frame handed to the
    library is narrow and numeric (a long mix of every customer x value would cost gigabytes).

    `features_without_categories=False`: when the shop has no categorised order lines, the features come
    with their columns and no rows (category segments have nothing to learn; reading 5 M feature rows of
    an orders-only shop cost 9 s)."""
    with warehouse.reading() as reader:
        as_of = reader.rows(f"select as_of_date from {RUN_CONTEXT}")[0][0]
        category_labels = reader.frame(f"select * from {CATEGORY_LABELS}")
        rows = "" if features_without_categories or not category_labels.empty else " limit 0"
        mix_columns = _mix_columns(reader)
        parameters: dict[str, str] = {}
        shares = []
        for i, (dimension, value, column) in enumerate(mix_columns):
            parameters |= {f"d{i}": dimension, f"v{i}": value}
            share = f"max(case when dimension = $d{i} and value = $v{i} then spend_share end)"
            shares.append(f"{share} as {column}")  # a slug: no quoting, which the engines spell differently
        if shares:
            query = f"""
                with shares as (
                    select customer_id, cutoff_date, {", ".join(shares)}
                    from {MIX}
                    group by customer_id, cutoff_date
                )
                select features.*, {", ".join(f"shares.{column}" for _, _, column in mix_columns)}
                from {FEATURES} as features
                left join shares
                    on features.customer_id = shares.customer_id and features.cutoff_date = shares.cutoff_date
            """
            features = reader.frame(query + rows, parameters)
        else:
            features = reader.frame(f"select * from {FEATURES}{rows}")
        labels = reader.frame(f"select * from {LABELS}")
    return PredictionInputs(as_of, features, labels, category_labels)
