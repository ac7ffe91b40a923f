"""`predictions`: one step trains, evaluates and scores every model (models_ml.run_predictions), so all
models use the same features and one held-out window per target. It materialises one asset per model
(whose page shows its metrics beside the baseline, the champion decision and plots) and the four tables
the predictions publish, written into the warehouse's `predictions` schema where the expectation suites
check them and the publish step reads them. Bundles go to the model registry in the publish location.
"""

import dagster as dg
import pyarrow as pa

from models_ml.model_names import MODELS
from pipeline.defs.ml.inputs import read_prediction_inputs
from pipeline.defs.ml.model_config import model_config
from pipeline.defs.ml.model_pages import model_materialization
from pipeline.defs.ml.outcomes import read_outcomes
from pipeline.defs.ml.registry import load_incumbents, prune_registry, save_models
from pipeline.defs.publish.published_tables import PYTHON_TABLES
from pipeline.engine import open_warehouse
from pipeline.resources import PulseSettingsResource
from pipeline.run_cli.stages import TARGETS_METADATA

SCHEMA = "predictions"
# the frames of a PredictionRun, by the table they are published as
TABLES = {
    "customer_predictions": "customer_predictions",
    "customer_category_propensity": "category_propensity",
    "model_metrics": "model_metrics",
    "model_feature_importance": "feature_importance",
}
PREDICTION_TABLES = tuple(table for table in PYTHON_TABLES if table.relation.startswith(f"{SCHEMA}."))
FEATURE_MODELS = (
    "fct_orders",  # what customers did after earlier predictions (prediction_outcomes)
    "ml_customer_features",
    "ml_customer_mix_features",
    "ml_training_labels",
    "ml_category_labels",
)
FEATURE_INPUTS = [dg.AssetKey(name) for name in FEATURE_MODELS]
LEDGER_ROWS_KEY = dg.AssetKey([SCHEMA, "prediction_ledger_rows"])
LEDGER_ROWS_RELATION = f"{SCHEMA}.prediction_ledger_rows"


def model_key(model: str) -> dg.AssetKey:
    return dg.AssetKey(f"{model}_model")


MODEL_SPECS = [
    dg.AssetSpec(
        model_key(model),
        group_name="models",
        kinds={"xgboost"},
        # materialised by an AssetMaterialization (its description draws the plots; an output has none)
        skippable=True,
        deps=FEATURE_INPUTS,
        description=f"The {model.replace('_', ' ')} target: the rule, BG/NBD and XGBoost (trained by time on "
        "the other half of the customers, calibrated) measured on the same held-out window; the best one "
        "surely above its floor scores, else the target is withheld with its reason (docs/predictions.md).",
    )
    for model in MODELS
]
TABLE_SPECS = [
    dg.AssetSpec(
        table.asset_key,
        group_name="predictions",
        kinds={"duckdb"},
        deps=[model_key(model) for model in MODELS],
        description=table.description,  # declared once, as a dbt source
    )
    for table in PREDICTION_TABLES
]
LEDGER_SPEC = dg.AssetSpec(
    LEDGER_ROWS_KEY,
    group_name="predictions",
    kinds={"duckdb"},
    deps=[model_key(model) for model in MODELS],
    description="This run's predictions as the ledger keeps them (with the rule's scores), appended to "
    "prediction_history once they are published.",
)


@dg.multi_asset(specs=[*MODEL_SPECS, *TABLE_SPECS, LEDGER_SPEC], name="predictions")
def predictions(context: dg.AssetExecutionContext, pulse: PulseSettingsResource):
    # XGBoost, scikit-learn and matplotlib take a second to import: only the step that trains pays for it,
    # not every process that loads the definitions
    from models_ml import run_predictions
    from models_ml.outcomes import ledger_rows
    from models_ml.plots import outcomes_png

    settings = pulse.load()
    config = model_config(settings)
    warehouse = open_warehouse(settings)
    inputs = read_prediction_inputs(warehouse)
    context.log.info(
        f"Predictions for as_of {inputs.as_of}: {len(inputs.features):,} feature rows, "
        f"{len(inputs.labels):,} labelled rows"
    )
    incumbents, last_trained = load_incumbents(settings, MODELS, config.n_threads)
    run = run_predictions(
        inputs.features,
        inputs.labels,
        inputs.as_of,
        category_labels=inputs.category_labels,
        config=config,
        incumbents=incumbents,
        last_trained=last_trained,
    )
    horizons = {"purchase": config.purchase_horizon_days, "churn": config.churn_horizon_days}
    outcomes = read_outcomes(settings, warehouse, inputs.as_of, {**horizons, "clv": config.clv_horizon_days})
    # a champion moves only where a model scored its target (a withheld or rule-scored target keeps it)
    bundle_uris = save_models(settings, run.trained_bundles, run.champions)
    context.log.info(f"Predictions: {run.summary()}")
    if pruned := prune_registry(settings, MODELS):
        context.log.info(f"registry: removed {len(pruned)} bundles past retention")
    for model in MODELS:
        decision = run.decisions[model]
        context.log.info(f"{model}: {decision.reason}")
        metrics = run.model_metrics[run.model_metrics["model"] == model]
        plots = run.plots(model)
        if (ledger := outcomes_png(outcomes, model)) is not None:
            plots["accuracy_over_time"] = ledger
        yield model_materialization(model_key(model), metrics, plots, bundle_uris.get(model))
    rule_scores = {name: run.models[name].baseline_scores for name in ("purchase", "churn", "clv")}
    ledger = pa.Table.from_pandas(ledger_rows(run.customer_predictions, rule_scores), preserve_index=False)
    rows = warehouse.replace_table(LEDGER_ROWS_RELATION, ledger.to_reader())
    yield dg.MaterializeResult(asset_key=LEDGER_ROWS_KEY, metadata={"dagster/row_count": rows})
    for table in PREDICTION_TABLES:
        frame = outcomes if table.name == "prediction_outcomes" else getattr(run, TABLES[table.name])
        batches = pa.Table.from_pandas(frame, preserve_index=False).to_reader()
        rows = warehouse.replace_table(table.relation, batches)
        metadata = {"dagster/row_count": rows, "relation": table.relation}
        if table.name == "model_metrics":
            seconds = {step: round(value, 1) for step, value in run.timings.items()}
            metadata["seconds_per_step"] = dg.MetadataValue.json(seconds)
            metadata[TARGETS_METADATA] = run.summary()  # the console's Predictions line
        yield dg.MaterializeResult(asset_key=table.asset_key, metadata=metadata)


defs = dg.Definitions(assets=[predictions])
