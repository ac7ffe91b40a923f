"""The ledger's inputs for `prediction_outcomes`: earlier runs' published predictions (from the ledger in the
publish location) and what customers did since (fct_orders in the warehouse)."""

from datetime import date, timedelta

import duckdb
import pandas as pd

from pipeline.engine import Warehouse
from pipeline.settings import PulseSettings
from pipeline.storage import publish_store
from pipeline.storage.ledger import read_ledger

HISTORY = "prediction_history"
ORDERS = "marts.fct_orders"


def read_outcomes(
    settings: PulseSettings, warehouse: Warehouse, as_of: date, horizons: dict[str, int]
) -> pd.DataFrame:
    """One row per earlier as_of and target whose horizon has passed by `as_of` (empty before)."""
    from models_ml.outcomes import prediction_outcomes  # scikit-learn: imported by the step, not at load

    history = read_ledger(publish_store(settings), HISTORY)
    due = as_of - timedelta(days=min(horizons.values()))
    frame = pd.DataFrame(columns=["as_of"])
    if history is not None:
        with duckdb.connect() as con:
            con.register("history", history)  # the Delta table's Arrow dataset, read in place
            frame = con.sql("select * from history where as_of <= $due", params={"due": due}).df()
    if frame.empty:
        return prediction_outcomes(frame, pd.DataFrame(), as_of, horizons)
    start = frame["as_of"].min()
    with warehouse.reading() as reader:
        orders = reader.frame(
            f"select customer_id, ordered_date, amount, is_refund from {ORDERS} where ordered_date > $start",
            {"start": start},
        )
    return prediction_outcomes(frame, orders, as_of, horizons)
