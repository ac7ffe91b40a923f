"""A frame read out of the warehouse owns its memory (its text is copied out of DuckDB's result batches,
which a text column would otherwise keep alive, every column of the batch), has the types DuckDB's own
`.df()` gives, and gets the same verdict from a suite."""

import duckdb
import pandas as pd
import pyarrow as pa

from pipeline.engine.duckdb_tables import owned_frame
from pipeline.expectations.validate import validate_table
from tests.unit.test_quality_suites import good_orders

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


TYPED = """
    select * from (values
        ('o1', 'c1', timestamp '2025-01-05 10:00', timestamptz '2025-01-05 10:00+02:00',
            100.00::decimal(18, 2), date '2025-01-05', true),
        ('o2', null, timestamp '2025-02-05 08:00', null, -0.01::decimal(18, 2), null, false)
    ) as t(order_id, customer_id, ordered_at, loaded_at, amount, ordered_date, is_refund)
"""


def test_the_frame_has_the_types_and_values_of_duckdbs_own():
    with duckdb.connect() as con:
        through_arrow = owned_frame(con.sql(TYPED))
        native = con.sql(TYPED).df()
    assert through_arrow.dtypes.to_dict() == native.dtypes.to_dict()
    pd.testing.assert_frame_equal(through_arrow, native)
    assert through_arrow["amount"].tolist() == [100.0, -0.01]  # decimals as floats, the sign kept
    assert through_arrow["customer_id"].isna().tolist() == [False, True]


def test_a_suite_gives_the_same_verdict_on_either_frame():
    orders = good_orders()
    orders.loc[1, "gross_amount"] = -5.0  # one fault, named by its column either way
    with duckdb.connect() as con:
        con.register("orders", orders)
        query = "select * replace (gross_amount::decimal(18, 2) as gross_amount) from orders"
        native = validate_table("fct_orders", con.sql(query).df())
        through_arrow = validate_table("fct_orders", owned_frame(con.sql(query)))
    assert not through_arrow.success
    assert [(f.column, f.unexpected_count) for f in through_arrow.failures] == [("gross_amount", 1)]
    assert through_arrow.summary() == native.summary()
