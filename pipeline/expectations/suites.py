"""The expectation suites, as data: one function per published table, returning its GX expectations.

These restate, in a second tool, the promises each published table makes to its readers (the .yml beside
each dbt model documents them). Some overlap with dbt tests on purpose; the ones dbt does not test (the
currency code's shape, amounts that may never be negative) are why the suites exist.

Great Expectations is imported on first use, not with this module: it costs seconds of CPU, and the Dagster
definitions (which only need the table names in SUITES) load without it.
"""

from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING

from models_ml.candidates import SOURCES
from models_ml.grade import GRADES
from pipeline import vocabulary
from pipeline.expectations.gx_import import great_expectations
from targeting import CHANNELS

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation


def _gxe() -> ModuleType:
    great_expectations()  # first, so that pyspark, when installed, cannot end the process (gx_import.py)
    import great_expectations.expectations as gxe

    return gxe


def fct_orders() -> list["Expectation"]:
    """One row per order_id with customer, time and amount filled in; currency a three-letter ISO 4217
    code; status completed or refunded; gross and refunded amounts never negative."""
    gxe = _gxe()
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="order_id"),
        gxe.ExpectColumnValuesToBeUnique(column="order_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="customer_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="ordered_at"),
        gxe.ExpectColumnValuesToNotBeNull(column="amount"),
        # an ISO 4217 code; dbt only checks it against the var accepted_currencies, which an analyst edits
        gxe.ExpectColumnValuesToMatchRegex(column="currency", regex=r"^[A-Z]{3}$"),
        gxe.ExpectColumnValuesToNotBeNull(column="is_refund"),
        gxe.ExpectColumnValuesToBeInSet(column="is_refund", value_set=[True, False]),
        gxe.ExpectColumnValuesToBeInSet(column="status", value_set=["completed", "refunded"]),
        gxe.ExpectColumnValuesToBeBetween(column="gross_amount", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="refunded_amount", min_value=0),
    ]


def quarantined_orders() -> list["Expectation"]:
    """Every rejected row has a reason from the raw contract's list, a reason_kind (invalid or excluded)
    and the source_file and source_row it came from."""
    gxe = _gxe()
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="reason"),
        gxe.ExpectColumnValuesToBeInSet(column="reason", value_set=list(vocabulary.quarantine_reasons())),
        gxe.ExpectColumnValuesToNotBeNull(column="reason_kind"),
        gxe.ExpectColumnValuesToBeInSet(column="reason_kind", value_set=list(vocabulary.reason_kinds())),
        gxe.ExpectColumnValuesToNotBeNull(column="source_file"),
        gxe.ExpectColumnValuesToNotBeNull(column="source_row"),
    ]


def customers() -> list["Expectation"]:
    """One row per customer_id; R, F and M scores from 1 to 5; a known lifecycle_state and
    frequency_group; revenue filled in."""
    gxe = _gxe()
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="customer_id"),
        gxe.ExpectColumnValuesToBeUnique(column="customer_id"),
        *(
            gxe.ExpectColumnValuesToBeBetween(column=score, min_value=1, max_value=5)
            for score in ("r_score", "f_score", "m_score")
        ),
        *(
            gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(values()))
            for column, values in (
                ("lifecycle_state", vocabulary.lifecycle_states),
                ("frequency_group", vocabulary.frequency_groups),
                ("rfm_segment", vocabulary.rfm_segments),
            )
        ),
        gxe.ExpectColumnValuesToNotBeNull(column="revenue"),
    ]


PREDICTION_SOURCES = list(SOURCES)


def _where(condition: object) -> dict:
    """An expectation's row condition as GX's own condition objects (not pandas query text), so the same
    suite runs on a pandas frame and on a Spark data frame."""
    return {"row_condition": condition}


def _column(name: str):
    from great_expectations.expectations.row_conditions import Column

    return Column(name)


def _scored(target: str) -> dict:
    """Only rows whose target was scored (not withheld) must carry its value."""
    return _where(_column(f"{target}_prediction_source") != "withheld")


def _probability(gxe: ModuleType, column: str, **condition: object) -> list["Expectation"]:
    return [
        gxe.ExpectColumnValuesToNotBeNull(column=column, **condition),
        gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, max_value=1),
    ]


def ml_customer_features() -> list["Expectation"]:
    """One row per customer and cutoff; keys, counts and state filled in; counts and windows never
    negative; RFM scores 1-5; a known lifecycle state. Checked, not published: it feeds the models."""
    gxe = _gxe()
    return [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["customer_id", "cutoff_date"]),
        *(
            gxe.ExpectColumnValuesToNotBeNull(column=column)
            for column in (
                "customer_id",
                "cutoff_date",
                "is_scoring_cutoff",
                "order_count",
                "revenue",
                "tenure_days",
            )
        ),
        *(
            gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0)
            for column in (
                "recency_days",
                "tenure_days",
                "order_count",
                "orders_30d",
                "orders_90d",
                "orders_180d",
                "orders_365d",
                "messages_received_90d",
                "web_events_90d",
            )
        ),
        *(
            gxe.ExpectColumnValuesToBeBetween(column=score, min_value=1, max_value=5)
            for score in ("r_score", "f_score", "m_score")
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="lifecycle_state", value_set=list(vocabulary.lifecycle_states())
        ),
    ]


def customer_predictions() -> list["Expectation"]:
    """One row per customer; for every target who scored it (model, btyd, rule) or that it is withheld;
    a scored target filled in: purchase and churn probabilities in [0, 1], predicted CLV at least 0,
    deciles 1-10 (the next order date may be empty: not expected back within the horizon)."""
    gxe = _gxe()
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="customer_id"),
        gxe.ExpectColumnValuesToBeUnique(column="customer_id"),
        *_probability(gxe, "purchase_probability_30d", **_scored("purchase")),
        *_probability(gxe, "churn_probability", **_scored("churn")),
        gxe.ExpectColumnValuesToNotBeNull(column="predicted_clv", **_scored("clv")),
        gxe.ExpectColumnValuesToBeBetween(column="predicted_clv", min_value=0),
        *(
            gxe.ExpectColumnValuesToBeBetween(column=f"{target}_decile", min_value=1, max_value=10)
            for target in ("purchase", "churn", "clv")
        ),
        *(
            gxe.ExpectColumnValuesToBeInSet(
                column=f"{target}_prediction_source", value_set=PREDICTION_SOURCES
            )
            for target in ("purchase", "churn", "clv", "next_order")
        ),
    ]


def customer_category_propensity() -> list["Expectation"]:
    """One row per customer and category; a probability in [0, 1] and a rank from 1."""
    gxe = _gxe()
    return [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["customer_id", "category"]),
        *_probability(gxe, "probability"),
        gxe.ExpectColumnValuesToBeBetween(column="rank", min_value=1),
        gxe.ExpectColumnValuesToBeInSet(column="prediction_source", value_set=PREDICTION_SOURCES),
    ]


def model_metrics() -> list["Expectation"]:
    """Every target says who scored it (model, btyd, rule) or that it is withheld, and why; a scored
    target was measured at or above its floor on the held-out window and has a grade. A warning, never a
    block: a weak target is withheld by models_ml, and the other tables publish."""
    gxe = _gxe()
    # the pooled rows (no category) of targets that were scored
    scored = _where((_column("prediction_source") != "withheld") & _column("category").is_null())
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="model"),
        gxe.ExpectColumnValuesToNotBeNull(column="kind"),
        gxe.ExpectColumnValuesToNotBeNull(column="reason"),
        gxe.ExpectColumnValuesToBeInSet(column="prediction_source", value_set=PREDICTION_SOURCES),
        gxe.ExpectColumnValuesToNotBeNull(column="grade", **scored),
        gxe.ExpectColumnValuesToBeInSet(column="grade", value_set=list(GRADES)),
        gxe.ExpectColumnValuesToBeBetween(
            column="horizon_days", min_value=1, **_where(_column("prediction_source") == "model")
        ),
    ]


def prediction_outcomes() -> list["Expectation"]:
    """One row per earlier as_of and target (purchase, churn, CLV) whose horizon has passed, scored on at
    least one customer; AUCs and observed rates between 0 and 1."""
    from models_ml.outcomes import LEDGER_TARGETS  # scikit-learn: loaded with the suite, not the definitions

    gxe = _gxe()
    return [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["as_of", "target"]),
        gxe.ExpectColumnValuesToNotBeNull(column="as_of"),
        gxe.ExpectColumnValuesToBeInSet(column="target", value_set=list(LEDGER_TARGETS)),
        gxe.ExpectColumnValuesToBeBetween(column="horizon_days", min_value=1),
        gxe.ExpectColumnValuesToBeBetween(column="customers", min_value=1),
        *(
            gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, max_value=1)
            for column in ("roc_auc", "rule_roc_auc", "observed_rate", "mean_predicted")
        ),
    ]


def model_feature_importance() -> list["Expectation"]:
    """One row per model and feature, ranked from 1, with a share of the model's gain between 0 and 1."""
    gxe = _gxe()
    return [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["model", "feature"]),
        gxe.ExpectColumnValuesToNotBeNull(column="model_version"),
        gxe.ExpectColumnValuesToBeBetween(column="importance_rank", min_value=1),
        gxe.ExpectColumnValuesToBeBetween(column="gain_share", min_value=0, max_value=1),
        gxe.ExpectColumnValuesToBeBetween(column="mean_abs_contribution", min_value=0),
    ]


def category_segments() -> list["Expectation"]:
    """One row per category and segment rank; a readable rule; customers and expected buyers never
    negative; likelihoods and cumulative shares between 0 and 1."""
    gxe = _gxe()
    return [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["category", "segment_rank"]),
        gxe.ExpectColumnValuesToNotBeNull(column="rule"),
        gxe.ExpectColumnValuesToBeBetween(column="segment_rank", min_value=1),
        gxe.ExpectColumnValuesToBeBetween(column="customers", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="expected_buyers", min_value=0),
        *_probability(gxe, "purchase_likelihood"),
        gxe.ExpectColumnValuesToBeBetween(column="cumulative_customer_share", min_value=0, max_value=1),
    ]


def segment_roi() -> list["Expectation"]:
    """One row per category and k; contacts, buyers and cost never negative."""
    gxe = _gxe()
    return [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["category", "k"]),
        *(
            gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0)
            for column in ("contacted_customers", "expected_buyers", "incremental_buyers", "cost")
        ),
    ]


def audiences() -> list["Expectation"]:
    """One row per audience with a known channel and sizes that add up to no more than its members."""
    gxe = _gxe()
    return [
        gxe.ExpectColumnValuesToBeUnique(column="audience"),
        gxe.ExpectColumnValuesToBeInSet(column="channel", value_set=list(CHANNELS)),
        gxe.ExpectColumnValuesToBeBetween(column="members", min_value=0),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="members", column_B="uploaded_members", or_equal=True
        ),
    ]


def audience_members() -> list["Expectation"]:
    """One row per audience and member; contacts, where present, only as SHA-256 hex digests (a plain
    e-mail or phone never leaves the pipeline)."""
    gxe = _gxe()
    sha256 = r"^[0-9a-f]{64}$"
    return [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["audience", "customer_id"]),
        gxe.ExpectColumnValuesToNotBeNull(column="is_control"),
        gxe.ExpectColumnValuesToBeInSet(column="channel", value_set=list(CHANNELS)),
        *(
            gxe.ExpectColumnValuesToMatchRegex(column=column, regex=sha256)
            for column in ("email_sha256", "phone_sha256", "phone_e164_sha256")
        ),
    ]


# suites that warn rather than block publishing: model quality is each target's own business (withheld)
WARNING_SUITES = frozenset({"model_metrics"})
# table -> its suite; a table listed here gets a check (pipeline/defs/quality/checks.py), blocking unless
# it is in WARNING_SUITES
SUITES: dict[str, Callable[[], list["Expectation"]]] = {
    "fct_orders": fct_orders,
    "quarantined_orders": quarantined_orders,
    "customers": customers,
    "ml_customer_features": ml_customer_features,
    "customer_predictions": customer_predictions,
    "customer_category_propensity": customer_category_propensity,
    "model_metrics": model_metrics,
    "model_feature_importance": model_feature_importance,
    "prediction_outcomes": prediction_outcomes,
    "category_segments": category_segments,
    "segment_roi": segment_roi,
    "audiences": audiences,
    "audience_members": audience_members,
}
