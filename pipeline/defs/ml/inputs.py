"""The learning library's inputs, read from the warehouse the dbt feature models built (read-only).

They arrive as pandas frames, the form the library works in, converted here so that a run holds one copy
of the features and none of DuckDB's memory (`_frame`)."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from models_ml.design import MIX_PREFIXES, slug
from pipeline.warehouse import read_only

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


def _mix_columns(con) -> list[tuple[str, str, str]]:
    """(dimension, value, column name) for every mix value the shop has, named as the learning library
    names them (e.g. category_share__shoes)."""
    rows = con.sql(f"select distinct dimension, value from {MIX} order by dimension, value").fetchall()
    return [(dimension, value, MIX_PREFIXES[dimension] + slug(value)) for dimension, value in rows]


def read_prediction_inputs(duckdb_path: Path) -> PredictionInputs:
    """Features with the long mix pivoted into share columns in DuckDB, so the frame handed to the
    library is narrow and numeric (a long mix of every customer x value would cost gigabytes)."""
    with read_only(duckdb_path) as con:
        as_of = con.sql(f"select as_of_date from {RUN_CONTEXT}").fetchall()[0][0]
        mix_columns = _mix_columns(con)
        parameters: dict[str, str] = {}
        shares = []
        for i, (dimension, value, column) in enumerate(mix_columns):
            parameters |= {f"d{i}": dimension, f"v{i}": value}
            share = f"max(case when dimension = $d{i} and value = $v{i} then spend_share end)"
            shares.append(f'{share} as "{column}"')
        if shares:
            query = f"""
                with shares as (
                    select customer_id, cutoff_date, {", ".join(shares)}
                    from {MIX}
                    group by customer_id, cutoff_date
                )
                select features.*, shares.* exclude (customer_id, cutoff_date)
                from {FEATURES} as features
                left join shares
                    on features.customer_id = shares.customer_id and features.cutoff_date = shares.cutoff_date
            """
            features = _frame(con.sql(query, params=parameters))
        else:
            features = _frame(con.sql(f"select * from {FEATURES}"))
        labels = _frame(con.sql(f"select * from {LABELS}"))
        category_labels = _frame(con.sql(f"select * from {CATEGORY_LABELS}"))
    return PredictionInputs(as_of, features, labels, category_labels)


def _frame(relation: duckdb.DuckDBPyRelation) -> pd.DataFrame:
    """The relation as pandas, by Arrow's conversion (the types the library's contract expects).

    pandas keeps a text column as the Arrow array it arrives in, and an array imported from DuckDB keeps
    its whole batch alive, every column of it: the text is copied out first, so the frame holds none of
    DuckDB's memory (at 4.2 M scored customers that is 1.5 GB)."""
    table = relation.to_arrow_table()
    columns = [
        pa.chunked_array([pa.concat_arrays(column.chunks)], column.type)
        if _is_text(column.type) and column.num_chunks
        else column
        for column in table.columns
    ]
    return pa.Table.from_arrays(columns, schema=table.schema).to_pandas()


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
