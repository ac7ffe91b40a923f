"""The pandas frame an expectation suite validates, read out of the warehouse.

Columns come out as DuckDB's `.df()` gives them: decimals as float64 (a range check needs no exact cents,
and GX compares floats far faster than Decimal objects), dates as datetime64.
"""

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.warehouse import owned_frame


def suite_frame(relation: duckdb.DuckDBPyRelation) -> pd.DataFrame:
    return owned_frame(relation, _as_df_gives)


def _as_df_gives(kind: pa.DataType) -> pa.DataType:
    if pa.types.is_decimal(kind):
        return pa.float64()
    if pa.types.is_date(kind):
        return pa.timestamp("us")
    return kind
