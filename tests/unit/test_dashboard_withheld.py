"""The app before and between full predictions: the Predictions page on a run that withheld targets (null
scores, no grid, model_metrics rows that explain why instead of charting nothing; a hand-made publish, so
no pipeline run is needed), and the app before anything is published."""

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from dashboards.data import predictions as q
from dashboards.published import open_published
from tests.unit.test_published_snapshot import publish

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
GRID_MEASURES = (
    "customers", "share_of_customers", "revenue", "predicted_clv", "avg_predicted_clv",
    "avg_purchase_probability", "avg_churn_probability",
)  # fmt: skip
WITHHELD_REASON = "withheld: 12 positives in the held-out window, 30 needed (PULSE_MIN_TRAINING_POSITIVES)"


@pytest.fixture
def withheld_run(pulse_env):
    nulls = pa.array([None, None], pa.float64())
    publish(
        Path(pulse_env["PULSE_PUBLISH_URI"]),
        "run-withheld",
        0,
        {
            "fct_orders": pa.table({"order_id": ["o1"], "reporting_currency": ["SEK"]}),
            # no cell while purchase or churn is withheld: the table is empty, its columns stay
            "predictive_segments": pa.schema(
                [(c, pa.string()) for c in ("predictive_cell", "purchase_level", "churn_level")]
                + [(c, pa.float64()) for c in GRID_MEASURES]
            ).empty_table(),
            "customer_predictions": pa.table(
                {
                    "customer_id": ["c1", "c2"],
                    "purchase_probability_30d": nulls,
                    "churn_probability": nulls,
                    "predicted_clv": pa.array([12.0, 40.0]),
                    "predictive_cell": pa.array([None, None], pa.string()),
                }
            ),
            # the ledger: two earlier days whose 30-day horizon has passed
            "prediction_outcomes": pa.table(
                {
                    "as_of": pa.array([date(2026, 1, 31), date(2026, 2, 28)]),
                    "target": ["purchase", "purchase"],
                    "horizon_days": [30, 30],
                    "prediction_source": ["model", "btyd"],
                    "roc_auc": [0.78, 0.74],
                    "rule_roc_auc": [0.71, 0.70],
                }
            ),
            "model_metrics": pa.table(
                {
                    "model": ["purchase", "clv"],
                    "category": pa.array([None, None], pa.string()),
                    "target": ["purchase_label", "clv_label"],
                    "prediction_source": ["withheld", "btyd"],
                    "reason": [WITHHELD_REASON, "BG/NBD beats XGBoost on the held-out window"],
                    "grade": [None, "Good"],
                    "primary_metric": ["roc_auc", "spearman"],
                    "roc_auc": nulls,
                    "spearman": pa.array([None, 0.41]),
                    "btyd_spearman": pa.array([None, 0.52]),
                    "baseline_spearman": pa.array([None, 0.33]),
                }
            ),
        },
    )
    return pulse_env


def test_model_rows_read_what_the_publish_has(withheld_run):
    data = open_published()
    models = q.models(data).set_index("model")
    assert q.is_withheld(models.loc["purchase"]) and not q.is_withheld(models.loc["clv"])
    assert models.loc["clv", "grade"] == "Good"
    assert models["btyd_roc_auc"].isna().all()  # a column this publish lacks reads as empty
    comparison = q.metric_comparison(models.loc["clv"])
    assert comparison.loc["spearman"].to_dict() == {"XGBoost": 0.41, "BG/NBD": 0.52, "Rule": 0.33}
    assert q.distribution(data, "churn_probability").empty  # null scores: nothing to bin
    metric, series = q.outcome_series(q.outcomes(data), "purchase")
    assert metric == "roc_auc" and series["published"].tolist() == [0.78, 0.74]


def test_the_predictions_page_explains_a_withheld_target(withheld_run):
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    app.switch_page("views/predictions.py").run()
    assert not app.exception, [e.message for e in app.exception]
    warnings = [w.value for w in app.warning]
    assert any(WITHHELD_REASON in w for w in warnings), warnings
    infos = " ".join(i.value for i in app.info)
    assert "withheld" in infos  # the empty grid and the null distributions say why
    markdown = " ".join(m.value for m in app.markdown)
    assert "grade **Good**" in markdown and "scored by **btyd**" in markdown
    assert "run-withheld" in " ".join(m.value for m in app.sidebar.markdown)
    # the ledger's accuracy is drawn, the published scores beside the rule's
    assert any("purchase: roc_auc of the published scores vs the rule" in c.value for c in app.caption)


def test_before_the_first_publish_the_app_says_what_to_run(pulse_env):
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    assert "python3 tasks.py run" in " ".join(i.value for i in app.info)


def test_an_earlier_run_chosen_in_the_sidebar_stays_chosen_across_pages(pulse_env):
    folder = Path(pulse_env["PULSE_PUBLISH_URI"])
    for hours, run_id in enumerate(["run-earlier", "run-later"]):
        publish(
            folder,
            run_id,
            hours,
            {"fct_orders": pa.table({"order_id": [run_id], "reporting_currency": ["EUR"]})},
        )
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    app.switch_page("views/runs.py").run()
    app.sidebar.selectbox(key="run_choice").select("run-earlier").run()
    app.switch_page("views/predictions.py").run()
    assert not app.exception, [e.message for e in app.exception]
    assert "`run-earlier`" in app.sidebar.markdown[0].value
