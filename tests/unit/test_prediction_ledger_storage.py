"""The prediction ledger's Delta table: a run replaces its own as_of's rows and keeps every other day's,
in a folder and on a real S3 API."""

import datetime as dt

import duckdb
import pyarrow as pa
import pytest

from pipeline.storage import open_store
from pipeline.storage.ledger import read_ledger, replace_key_rows


def _rows(day: dt.date, customers: list[str], score: float) -> pa.Table:
    return pa.table(
        {
            "customer_id": customers,
            "as_of": pa.array([day] * len(customers), pa.date32()),
            "purchase_probability_30d": pa.array([score] * len(customers), pa.float64()),
        }
    )


@pytest.fixture(params=["folder", "s3"])
def store(request, tmp_path):
    if request.param == "folder":
        return open_store(str(tmp_path / "published"))
    endpoint, bucket = request.getfixturevalue("s3_endpoint"), request.getfixturevalue("s3_bucket")
    return open_store(f"s3://{bucket}/pulse", endpoint)


def test_a_run_replaces_its_own_day_and_keeps_the_others(store):
    january, february = dt.date(2025, 1, 31), dt.date(2025, 2, 28)
    assert read_ledger(store, "prediction_history") is None
    replace_key_rows(store, "prediction_history", _rows(january, ["a", "b"], 0.1), key="as_of")
    replace_key_rows(store, "prediction_history", _rows(february, ["a", "b", "c"], 0.2), key="as_of")
    # a second run on the same day (four a day on the same data) replaces that day only
    version = replace_key_rows(store, "prediction_history", _rows(february, ["a", "c"], 0.3), key="as_of")
    assert version == 2
    dataset = read_ledger(store, "prediction_history")
    with duckdb.connect() as con:
        con.register("ledger", dataset)
        rows = con.sql(
            "select as_of, count(*), max(purchase_probability_30d) from ledger group by 1 order by 1"
        ).fetchall()
    assert rows == [(january, 2, 0.1), (february, 2, 0.3)]
