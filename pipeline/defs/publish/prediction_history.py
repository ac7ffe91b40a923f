"""`prediction_history`: the prediction ledger. Once a run's predictions are published, its rows (scores,
who scored them, and the rule's score of the same day) are kept in a Delta table keyed by as_of, across
runs, so `prediction_outcomes` can later score them against what happened. A run replaces its own as_of's
rows (four runs a day on the same data keep one day), never another day's.
"""

import dagster as dg

from pipeline.defs.ml.assets import LEDGER_ROWS_KEY, LEDGER_ROWS_RELATION
from pipeline.defs.ml.outcomes import HISTORY
from pipeline.engine import open_warehouse
from pipeline.resources import PulseSettingsResource
from pipeline.storage import publish_store
from pipeline.storage.ledger import replace_key_rows


@dg.asset(
    key=HISTORY,
    group_name="publish",
    kinds={"deltalake"},
    deps=[dg.AssetKey("published_customer_predictions"), LEDGER_ROWS_KEY],
    description="PULSE_PUBLISH_URI/prediction_history: every run's published predictions (and the rule's "
    "score of the same day) keyed by as_of, kept across runs; prediction_outcomes scores them once their "
    "horizon has passed. Outside the run manifest: rollback and retention leave it alone.",
)
def prediction_history(
    context: dg.AssetExecutionContext, pulse: PulseSettingsResource
) -> dg.MaterializeResult:
    settings = pulse.load()
    with open_warehouse(settings).reading() as reader:
        rows = reader.batches(LEDGER_ROWS_RELATION).read_all()
    store = publish_store(settings)
    version = replace_key_rows(store, HISTORY, rows, key="as_of")
    as_of = rows.column("as_of")[0].as_py() if rows.num_rows else None
    context.log.info(
        f"prediction_history: {rows.num_rows:,} rows for as_of {as_of} (Delta version {version})"
    )
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": rows.num_rows,
            "as_of": str(as_of),
            "delta_version": version,
            "uri": dg.MetadataValue.path(store.uri(HISTORY)),
        }
    )


defs = dg.Definitions(assets=[prediction_history])
