"""Predictions through the real pipeline on a small demo shop: every model trained, evaluated beside its
baseline, explained and registered; the same data gives the same scores; a model trained on broken
labels is stopped by the checks while the previous predictions stay published; and a champion is kept
while retraining is not due."""

import json

import dagster as dg
import duckdb
import pytest
from deltalake import DeltaTable

from demo_shop.generate import generate_demo_shop
from models_ml import MODELS, champion_key
from pipeline.defs.ml.assets import model_key
from tests.conftest import run_paths
from tests.integration.pipeline_runs import pulse_settings, run_job_in_process

pytestmark = pytest.mark.integration

PREDICTION_TABLES = ["customer_predictions", "customer_category_propensity", "model_metrics"]
# the predictions step and everything after it (segments, segment marts, checks, publish): a re-run that
# leaves the dbt tables before the predictions as they are
AFTER_FEATURES = dg.AssetSelection.groups("models", "segments").downstream()


def _published(root, table: str) -> tuple[int, list[dict]]:
    delta = DeltaTable(str(root / table))
    return delta.version(), delta.to_pyarrow_table().sort_by("customer_id").to_pylist()


def _warehouse(tmp, sql: str) -> list[tuple]:
    with duckdb.connect(str(tmp / "warehouse.duckdb"), read_only=True) as con:
        return con.sql(sql).fetchall()


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("predictions")
    generate_demo_shop(tmp / "raw", customers=500, seed=21)
    settings = run_paths(tmp)
    with dg.instance_for_test() as instance, pulse_settings(settings):
        first = run_job_in_process(instance=instance)
        assert first.success, [e.message for e in first.all_events if e.is_failure]
        yield tmp, settings, instance, first


def test_every_model_is_evaluated_beside_its_baseline_and_registered(shop):
    tmp, _, _, first = shop
    metrics = _warehouse(
        tmp,
        "select model, prediction_source, horizon_days, roc_auc, baseline_roc_auc, spearman, quality_ok"
        " from predictions.model_metrics where category is null",
    )
    assert {row[0] for row in metrics} == set(MODELS)
    for model, source, horizon, auc, baseline_auc, spearman, quality_ok in metrics:
        assert source == "model" and horizon > 0 and quality_ok, model
        assert (auc is not None and baseline_auc is not None) or spearman is not None, model
        pointer = json.loads((tmp / "published" / champion_key(model)).read_text())
        assert (tmp / "published" / f"_models/{model}/{pointer['version']}.zip").is_file()
    # each model's page in the UI: metrics beside the baseline, and the plots in the page itself
    pages = {e.asset_key: e.materialization.metadata for e in first.get_asset_materialization_events()}
    churn = pages[model_key("churn")]
    assert "no-model baseline" in churn["metrics"].value
    assert churn["plots"].value.count("data:image/png;base64,") == 3


def test_every_scored_customer_is_published_with_reasons(shop):
    tmp, _, _, _ = shop
    _, rows = _published(tmp / "published", "customer_predictions")
    customers = _warehouse(tmp, "select count(*) from marts.customers")[0][0]
    assert len(rows) == customers
    row = rows[0]
    assert 0 <= row["churn_probability"] <= 1 and row["predicted_clv"] >= 0
    assert row["churn_reason_1"] and row["purchase_reason_1"]
    assert row["churn_prediction_source"] in {"model", "baseline"}


SCORES = (
    "select customer_id, purchase_probability_30d, churn_probability, predicted_clv,"
    " expected_next_order_date, churn_reason_1, purchase_reason_1"
    " from predictions.customer_predictions order by customer_id"
)


def test_the_same_data_gives_the_same_scores(shop):
    tmp, settings, instance, _ = shop
    before = _warehouse(tmp, SCORES)
    # retrain now (a new challenger from the same data), rather than score with the stored champion
    with pulse_settings({**settings, "PULSE_RETRAIN_EVERY_HOURS": "0"}):
        again = run_job_in_process(asset_selection=AFTER_FEATURES, instance=instance)
    assert again.success, [e.message for e in again.all_events if e.is_failure]
    trained = _warehouse(tmp, "select bool_and(trained_this_run) from predictions.model_metrics")
    assert trained == [(True,)]
    assert _warehouse(tmp, SCORES) == before


def test_a_model_on_broken_labels_is_stopped_and_the_previous_predictions_stay(shop):
    tmp, settings, instance, _ = shop
    published = tmp / "published"
    before = {table: _published(published, table)[0] for table in PREDICTION_TABLES}
    manifest = json.loads((published / "_manifest.json").read_text())
    champions = {model: (published / champion_key(model)).read_text() for model in MODELS}
    # labels drawn at random (by a hash), as a broken export would give them: no feature predicts them
    with duckdb.connect(str(tmp / "warehouse.duckdb")) as con:
        con.execute(
            """
            update features.ml_training_labels set
                purchase_label = case when purchase_label is not null then hash(customer_id, 'p') % 2 = 0 end,
                churn_label = case when churn_label is not null then hash(customer_id, 'c') % 2 = 0 end
            """
        )
    # retrain now, so the challenger learns from the broken labels
    with pulse_settings({**settings, "PULSE_RETRAIN_EVERY_HOURS": "0"}):
        broken = run_job_in_process(asset_selection=AFTER_FEATURES, instance=instance)
    assert not broken.success
    evaluations = {e.check_name: e for e in broken.get_asset_check_evaluations()}
    gate = evaluations["model_metrics_passes_expectations"]
    assert not gate.passed and "auc" in gate.description
    # nothing of the run was published, and no model trained on the broken labels became a champion
    assert {table: _published(published, table)[0] for table in PREDICTION_TABLES} == before
    assert json.loads((published / "_manifest.json").read_text())["run_id"] == manifest["run_id"]
    for model in ("purchase", "churn"):
        assert (published / champion_key(model)).read_text() == champions[model]


def test_the_champion_scores_while_retraining_is_not_due(shop):
    tmp, settings, instance, _ = shop
    # put the labels back as dbt builds them, then score without retraining
    with pulse_settings(settings):
        rebuilt = run_job_in_process(
            asset_selection=dg.AssetSelection.keys("ml_training_labels"), instance=instance
        )
    assert rebuilt.success
    with pulse_settings({**settings, "PULSE_RETRAIN_EVERY_HOURS": "10000"}):
        scored = run_job_in_process(asset_selection=AFTER_FEATURES, instance=instance)
    assert scored.success, [e.message for e in scored.all_events if e.is_failure]
    rows = _warehouse(
        tmp,
        "select model, trained_this_run, champion_decision, reason from predictions.model_metrics"
        " where category is null",
    )
    for model, trained, decision, reason in rows:
        assert not trained, (model, decision, reason)
