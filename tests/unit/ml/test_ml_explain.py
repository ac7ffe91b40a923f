"""Reasons in words: the customer's own values, and a direction that matches the contribution."""

import numpy as np
import pandas as pd

from models_ml import top_reasons
from models_ml.contract import check_inputs
from models_ml.explain import template
from models_ml.outputs import EXPLAINED, explain
from models_ml.run_context import RunContext
from tests.unit.ml.conftest import CONFIG

NAMES = [
    "recency_days",
    "usual_gap_days",
    "orders_90d",
    "category_share__shoes",
    "web_events_30d",
    "lifecycle_state__slipping",
    "loyalty_points",
]


def _reasons(contributions, values, target):
    contributions = np.asarray(contributions, dtype=np.float32)
    bias = np.zeros((len(contributions), 1), dtype=np.float32)
    return top_reasons(
        np.hstack([contributions, bias]),
        np.asarray(values, dtype=np.float32),
        NAMES,
        NAMES,
        target,
        {"category_share__shoes": "Shoes"},
    )


def test_reasons_quote_the_customers_values_strongest_first():
    values = [[142, 35, 3, 0.4, 0, 1, 120], [12, 20, 0, 0, np.nan, 0, 5]]
    contributions = [[1.2, 0.0, -0.4, 0.7, 0.0, 0.1, 0.0], [-0.9, 0.0, 0.5, 0.0, 0.0, -0.3, 0.0]]
    first, second, third = _reasons(contributions, values, "churn")
    assert first[0] == "no order for 142 days, usual gap 35 (raises churn risk)"
    assert second[0] == "spent 40 % of their money on Shoes (raises churn risk)"
    assert third[0] == "3 orders in the last 90 days (lowers churn risk)"
    assert first[1] == "last order 12 days ago, usual gap 20 (lowers churn risk)"
    assert second[1] == "no order in the last 90 days (raises churn risk)"
    assert third[1] == "lifecycle state is not slipping (lowers churn risk)"


def test_the_same_fact_reads_by_the_direction_of_its_effect_on_purchase():
    values = [[142, 35, 3, 0.4, 0, 1, 120]] * 2
    contributions = [[-1.0, 0, 0, 0, 0, 0, 0], [1.0, 0, 0, 0, 0, 0, 0]]
    first, _, _ = _reasons(contributions, values, "purchase")
    assert first[0] == "no order for 142 days, usual gap 35 (lowers purchase chance)"
    assert first[1] == "last order 142 days ago, usual gap 35 (raises purchase chance)"


def test_unknown_features_and_missing_values_have_a_generic_reason():
    values = [[10, np.nan, 1, 0, np.nan, 0, 120]]
    contributions = [[0, 0, 0, 0, 0.5, 0, 0.9]]
    first, second, third = _reasons(contributions, values, "churn")
    assert first[0] == "loyalty points is 120 (raises churn risk)"
    assert second[0] == "web events 30d unknown (raises churn risk)"
    assert third[0] == ""  # no third feature moved the score


def test_every_contract_feature_has_its_own_template():
    generic = template("some_new_feature", {})[1]
    for name in (
        "recency_days",
        "tenure_days",
        "order_count",
        "revenue",
        "orders_30d",
        "revenue_365d",
        "spend_trend",
        "gap_mean_days",
        "gap_std_days",
        "last_gap_days",
        "recency_to_usual_gap",
        "avg_order_value",
        "avg_basket_size",
        "messages_received_30d",
        "messages_responded_90d",
        "web_events_7d",
        "web_add_to_cart_30d",
        "web_checkouts_30d",
        "r_score",
        "f_score",
        "m_score",
        "channel_share__email",
        "lifecycle_state__lost",
    ):
        assert template(name, {})[1].__qualname__ != generic.__qualname__, name


def test_reasons_of_a_real_run_use_each_customers_recency(shop, first_run):
    predictions = first_run.customer_predictions.set_index("customer_id")
    features = shop.features[shop.features["is_scoring_cutoff"]].set_index("customer_id")
    reasons = predictions["churn_reason_1"].astype(str) + " | " + predictions["churn_reason_2"].astype(str)
    quoted = reasons.str.extract(r"(?:no order for|last order) ([\d,]+) days")[0].dropna()
    assert len(quoted) > 0.3 * len(predictions)
    recency = features.loc[quoted.index, "recency_days"]
    assert (quoted.str.replace(",", "").astype(int) == recency.round().astype(int)).all()
    raising = predictions["churn_reason_1"].str.endswith("(raises churn risk)")
    assert (
        predictions.loc[raising, "churn_probability"].mean()
        > predictions.loc[~raising, "churn_probability"].mean()
    )


def test_reasons_worked_out_a_chunk_of_customers_at_a_time_are_the_same_as_all_at_once(shop, first_run):
    context = RunContext(check_inputs(**shop.inputs()), CONFIG)
    explained = [
        run for run in first_run.models.values() if run.scoring_model is not None and run.model in EXPLAINED
    ]
    assert explained, "the synthetic shop's churn or purchase target is scored by XGBoost"
    every = explain(first_run.models, context, chunk_rows=len(context.scoring_rows))
    by_chunks = explain(first_run.models, context, chunk_rows=137)  # not a divisor: the last chunk is short
    assert {name for name, explanation in every.items() if explanation} == {run.model for run in explained}
    for run in explained:
        whole, chunked = every[run.model], by_chunks[run.model]
        for slot in range(len(whole.reasons)):
            assert chunked.reasons[slot].tolist() == whole.reasons[slot].tolist(), (run.model, slot)
            # each text is kept once however many chunks wrote it
            assert isinstance(chunked.reasons[slot].dtype, pd.CategoricalDtype)
            assert chunked.reasons[slot].cat.categories.is_unique
        np.testing.assert_allclose(chunked.mean_abs, whole.mean_abs, rtol=1e-5)
