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
from models_ml import MODELS, champion_key, latest_key
from models_ml.candidates import SOURCES
from pipeline.defs.ml.assets import model_key
from tests.conftest import run_paths
from tests.integration.pipeline_runs import in_memory_instance, pulse_settings, run_job_in_process

pytestmark = pytest.mark.integration

# the predictions step and everything after it (segments, segment marts, checks, publish): a re-run that
# leaves the dbt tables before the predictions as they are
AFTER_FEATURES = dg.AssetSelection.groups("models", "segments").downstream()


def _published(root, table: str) -> tuple[int, list[dict]]:
    delta = DeltaTable(str(root / table))
    rows = delta.to_pyarrow_table()
    if "customer_id" in rows.column_names:
        rows = rows.sort_by("customer_id")
    return delta.version(), rows.to_pylist()


def _champions(published) -> dict[str, str]:
    """Each model's champion pointer, for the models that have one (a model that lost to its baseline
    has none)."""
    pointers = {model: published / champion_key(model) for model in MODELS}
    return {model: pointer.read_text() for model, pointer in pointers.items() if pointer.exists()}


def _warehouse(tmp, sql: str) -> list[tuple]:
    with duckdb.connect(str(tmp / "warehouse.duckdb"), read_only=True) as con:
        return con.sql(sql).fetchall()


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("predictions")
    generate_demo_shop(tmp / "raw", customers=500, seed=21)
    # these tests are about XGBoost's registry, champions and retraining, so only XGBoost may score (the
    # rule and BG/NBD, which the BG/NBD-shaped demo shop favours, are still measured beside it)
    settings = {**run_paths(tmp), "PULSE_PREDICTION_CANDIDATES": "model"}
    with in_memory_instance() as instance, pulse_settings(settings):
        first = run_job_in_process(instance=instance)
        assert first.success, [e.message for e in first.all_events if e.is_failure]
        yield tmp, settings, instance, first


def test_every_model_is_evaluated_beside_its_baseline_and_registered(shop):
    tmp, _, _, first = shop
    metrics = _warehouse(
        tmp,
        "select model, prediction_source, horizon_days, roc_auc, baseline_roc_auc, spearman, grade,"
        " trained_this_run, reason from predictions.model_metrics where category is null",
    )
    assert {row[0] for row in metrics} == set(MODELS)
    published = tmp / "published"
    for model, source, horizon, auc, baseline_auc, spearman, grade, trained, reason in metrics:
        # every target is measured; the best candidate at its floor scores it, or it is withheld with why
        assert source in SOURCES and reason, model
        assert (grade is None) == (source == "withheld"), (model, source, grade)
        if trained:
            assert horizon > 0 and ((auc is not None and baseline_auc is not None) or spearman is not None)
            assert list((published / f"_models/{model}").glob(f"{model}-*.zip")), model
            latest = json.loads((published / latest_key(model)).read_text())
            assert (published / f"_models/{model}/{latest['version']}.zip").is_file()
        if source == "model":
            pointer = json.loads((published / champion_key(model)).read_text())
            assert (published / f"_models/{model}/{pointer['version']}.zip").is_file()
        else:
            assert not (published / champion_key(model)).exists(), model
    # a healthy 500-customer shop: XGBoost scores purchase, churn, CLV and categories, surely above the floor
    assert all(row[1] == "model" for row in metrics if row[0] != "next_order"), metrics
    # each model's page in the UI: metrics beside the baseline, and the plots drawn in its description
    events = {e.asset_key: e.materialization for e in first.get_asset_materialization_events()}
    sources = {row[0]: row[1] for row in metrics}
    for model in ("purchase", "churn"):
        page = events[model_key(model)].metadata
        assert "| held-out metric | XGBoost | BG/NBD | rule |" in page["metrics"].value
        plots = events[model_key(model)].description
        assert "![cumulative_gain](data:image/png;base64," in plots
        assert "![calibration](data:image/png;base64," in plots
        # feature importance is that of the model that scores, so only a scoring model draws it
        assert ("![feature_importance](" in plots) == (sources[model] == "model"), model


def test_every_scored_customer_is_published_with_reasons(shop):
    tmp, _, _, _ = shop
    _, rows = _published(tmp / "published", "customer_predictions")
    customers = _warehouse(tmp, "select count(*) from marts.customers")[0][0]
    assert len(rows) == customers
    row = rows[0]
    assert 0 <= row["churn_probability"] <= 1 and row["predicted_clv"] >= 0
    assert row["churn_reason_1"] and row["purchase_reason_1"]
    assert row["churn_prediction_source"] in {"model", "btyd", "rule"}


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
    trained = _warehouse(
        tmp,
        "select bool_and(trained_this_run) from predictions.model_metrics where prediction_source = 'model'",
    )
    assert trained == [(True,)]
    assert _warehouse(tmp, SCORES) == before


def test_broken_labels_withhold_their_targets_publish_the_rest_and_move_no_champion(shop):
    tmp, settings, instance, _ = shop
    published = tmp / "published"
    manifest = json.loads((published / "_manifest.json").read_text())
    champions = _champions(published)
    # labels drawn at random per customer and cutoff (by a hash), as a broken export would give them: no
    # feature predicts them (a label fixed per customer could be learnt by recognising the customer)
    with duckdb.connect(str(tmp / "warehouse.duckdb")) as con:
        con.execute(
            """
            update features.ml_training_labels set
                purchase_label = case when purchase_label is not null
                    then hash(customer_id, cutoff_date, 'p') % 2 = 0 end,
                churn_label = case when churn_label is not null
                    then hash(customer_id, cutoff_date, 'c') % 2 = 0 end
            """
        )
    # retrain now, so the challenger learns from the broken labels
    with pulse_settings({**settings, "PULSE_RETRAIN_EVERY_HOURS": "0"}):
        broken = run_job_in_process(asset_selection=AFTER_FEATURES, instance=instance)
    assert broken.success, [e.message for e in broken.all_events if e.is_failure]
    sources = dict(
        _warehouse(
            tmp, "select model, reason from predictions.model_metrics where prediction_source = 'withheld'"
        )
    )
    for model in ("purchase", "churn"):
        assert sources[model].startswith("no candidate surely reaches roc_auc"), sources
    # the run published (a new manifest), the broken targets are empty, the others still scored
    assert json.loads((published / "_manifest.json").read_text())["run_id"] != manifest["run_id"]
    _, rows = _published(published, "customer_predictions")
    assert all(row["churn_probability"] is None and row["predictive_cell"] is None for row in rows)
    assert any(row["predicted_clv"] is not None for row in rows)
    # no model trained on the broken labels became a champion
    for model in ("purchase", "churn"):
        assert _champions(published).get(model) == champions.get(model), model


def test_the_champion_scores_while_retraining_is_not_due(shop):
    tmp, settings, instance, _ = shop
    # put the labels back as dbt builds them, then score without retraining
    with pulse_settings(settings):
        rebuilt = run_job_in_process(
            asset_selection=dg.AssetSelection.keys("ml_training_labels"), instance=instance
        )
    assert rebuilt.success
    # a target BG/NBD or the rule won every run has no champion: remove one model's pointer to be one
    published = tmp / "published"
    (published / champion_key("clv")).unlink(missing_ok=True)
    with pulse_settings({**settings, "PULSE_RETRAIN_EVERY_HOURS": "10000"}):
        scored = run_job_in_process(asset_selection=AFTER_FEATURES, instance=instance)
    assert scored.success, [e.message for e in scored.all_events if e.is_failure]
    rows = _warehouse(
        tmp,
        "select model, trained_this_run, champion_decision, champion_version, reason"
        " from predictions.model_metrics where category is null",
    )
    for model, trained, decision, version, reason in rows:
        # a champion scores untrained; where none ever scored, the latest trained model stands in for it,
        # so a model that keeps losing to its baseline is not fitted again every run
        assert not trained and decision == "champion", (model, decision, reason)
        if model == "clv":
            assert version == json.loads((published / latest_key("clv")).read_text())["version"]
