"""A frame read out of the warehouse owns its memory: its text is copied out of DuckDB's result batches
(which a text column would otherwise keep alive, every column of the batch), one chunk per column."""

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.warehouse import owned_frame

# more rows than one Arrow batch of DuckDB's (1,000,000), so the result arrives in several
ROWS = "select 'customer-' || i::varchar as customer_id, i as orders from range(2500000) t(i)"


def test_text_is_copied_into_memory_the_frame_owns():
    with duckdb.connect() as con:
        arrived = con.sql(ROWS).to_arrow_table()
        assert arrived["customer_id"].num_chunks > 1
        before = pa.total_allocated_bytes()
        frame = owned_frame(con.sql(ROWS))
    text = frame["customer_id"].array.__arrow_array__()  # pandas keeps the strings as this Arrow array
    assert text.num_chunks == 1
    # the copy was allocated by Arrow's own pool: DuckDB's imported buffers are not counted there
    assert pa.total_allocated_bytes() - before >= text.nbytes
    assert frame["customer_id"].iloc[[0, -1]].tolist() == ["customer-0", "customer-2499999"]
    assert frame["orders"].sum() == arrived["orders"].to_pandas().sum()


def test_columns_are_cast_as_asked():
    with duckdb.connect() as con:
        frame = owned_frame(con.sql("select 1.25::decimal(18, 2) as amount"), lambda kind: pa.float64())
    assert frame["amount"].dtype == "float64"
    pd.testing.assert_series_equal(frame["amount"], pd.Series([1.25], name="amount"))
