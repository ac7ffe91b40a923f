"""Arrow tables from either engine as the pandas frames and Arrow the Python assets work in, typed the same
whichever engine produced them (the equality of published tables across engines depends on it)."""

import pyarrow as pa


def as_warehouse_types(table: pa.Table) -> pa.Table:
    """Spark's Arrow in the types DuckDB gives the same columns: Spark's `timestamp` is an instant shown in
    the session's zone (UTC) and arrives zoned, DuckDB's `timestamp` is zone-less (in UTC); a column null
    in every row (no type) becomes text, as such columns are in our frames."""
    fields = [field.with_type(_warehouse_type(field.type)) for field in table.schema]
    target = pa.schema(fields, metadata=table.schema.metadata)
    return table if target.equals(table.schema) else table.cast(target)


def _warehouse_type(kind: pa.DataType) -> pa.DataType:
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        return pa.timestamp(kind.unit)
    return untyped_as_text(kind)


def untyped_as_text(kind: pa.DataType) -> pa.DataType:
    """A column null in every row arrives without a type (pandas object -> Arrow null); stored, it would be
    a `void` column some engines cannot read. It is text, as such columns are in our frames (the one rule
    for both engines' writes and for what is read back)."""
    return pa.string() if pa.types.is_null(kind) else kind


def owned_frame(table: pa.Table):
    """The table as a pandas frame that holds none of the engine's memory, typed as DuckDB's own `.df()`
    types it: decimals as float64 (a range check needs no exact cents, and GX compares floats far faster
    than Decimal objects), dates as datetime64 (not a Python object per value: 0.2 GB of the model inputs
    at 5 M feature rows).

    Through Arrow: `.df()` builds a Python string for every text value first (8.7 s of a 12 s check on
    10 M orders; 1.0 s this way). pandas keeps a text column as the Arrow array it arrives in, and an
    array imported from DuckDB keeps its whole batch alive, every column of it: text is copied out into
    one chunk per column (also what GX checks fastest), so DuckDB's batches go when this returns (1.5 GB
    of the model inputs at 4.2 M customers)."""
    table = table.cast(pa.schema([field.with_type(_as_df_gives(field.type)) for field in table.schema]))
    columns = [
        pa.chunked_array([pa.concat_arrays(column.chunks)], column.type)
        if _is_text(column.type) and column.num_chunks
        else column
        for column in table.columns
    ]
    return pa.Table.from_arrays(columns, schema=table.schema).to_pandas()


def _as_df_gives(kind: pa.DataType) -> pa.DataType:
    if pa.types.is_decimal(kind):
        return pa.float64()
    if pa.types.is_date(kind):
        return pa.timestamp("us")
    return kind


def _is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
