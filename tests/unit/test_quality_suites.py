"""The expectation suites on hand-made DataFrames: good data passes, each fault is named by its column."""

import gc
import weakref

import pandas as pd
import pytest

from pipeline import vocabulary
from pipeline.defs.quality.checks import checked_tables
from pipeline.expectations.suites import SUITES
from pipeline.expectations.validate import suite_columns, validate_table
from tests.expectation_frames import model_metrics_rows


def good_orders() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "order_id": ["o1", "o2", "r1"],
            "customer_id": ["c1", "c1", "c2"],
            "ordered_at": pd.to_datetime(["2025-01-05 10:00", "2025-02-05 08:00", "2025-01-12 09:00"]),
            "amount": [100.0, 0.0, -20.0],
            "gross_amount": [100.0, 40.0, 0.0],
            "refunded_amount": [0.0, 40.0, 20.0],
            "is_refund": [False, False, True],
            "status": ["completed", "refunded", "completed"],
            "currency": ["EUR", "USD", "EUR"],
        }
    )


def good_quarantine() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "reason": ["cancelled", "unknown_currency"],
            "reason_kind": ["excluded", "invalid"],
            "source_file": ["orders.csv", "orders.csv"],
            "source_row": [8, 16],
        }
    )


def good_customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["c1", "c2"],
            "r_score": [5, 1],
            "f_score": [3, 1],
            "m_score": [4, 1],
            "lifecycle_state": ["active", "lost"],
            "frequency_group": ["loyal", "one_time"],
            "rfm_segment": ["Loyal", "Lost"],
            "revenue": [150.0, -20.0],
        }
    )


@pytest.mark.parametrize(
    ("table", "frame"),
    [
        ("fct_orders", good_orders()),
        ("quarantined_orders", good_quarantine()),
        ("customers", good_customers()),
    ],
)
def test_good_data_passes(table, frame):
    report = validate_table(table, frame)
    assert report.success, report.summary()
    assert report.evaluated == len(SUITES[table]())
    assert report.failures == []


def test_duplicate_order_id_fails_naming_the_column_and_the_value():
    frame = good_orders()
    frame.loc[2, "order_id"] = "o1"
    report = validate_table("fct_orders", frame)
    assert not report.success
    [failure] = report.failures
    assert failure.column == "order_id"
    assert failure.unexpected_values == ["o1"]
    assert "fct_orders.order_id" in failure.message and "duplicated" in failure.message


def test_currency_that_is_not_an_iso_code_fails():
    frame = good_orders()
    frame.loc[1, "currency"] = "Euro"
    [failure] = validate_table("fct_orders", frame).failures
    assert failure.column == "currency"
    assert failure.message == "fct_orders.currency: 1 of 3 values do not match ^[A-Z]{3}$, e.g. 'Euro'"


def test_negative_gross_amount_fails():
    frame = good_orders()
    frame.loc[0, "gross_amount"] = -1.0
    [failure] = validate_table("fct_orders", frame).failures
    assert failure.column == "gross_amount"
    assert failure.unexpected_count == 1


def test_unknown_quarantine_reason_fails():
    frame = good_quarantine()
    frame.loc[0, "reason"] = "lost_in_space"
    [failure] = validate_table("quarantined_orders", frame).failures
    assert failure.column == "reason"
    assert "'lost_in_space'" in failure.message


def test_null_and_missing_columns_are_failures_not_crashes():
    frame = good_quarantine().drop(columns=["source_row"])
    frame.loc[0, "reason_kind"] = None
    report = validate_table("quarantined_orders", frame)
    assert {failure.column for failure in report.failures} == {"reason_kind", "source_row"}
    assert any(
        "source_row" in failure.message and "does not exist" in failure.message for failure in report.failures
    )


def test_the_checked_frame_is_freed_once_validated():
    """GX keeps its last context alive, and with it the batch it validated: the frame must not outlive
    the check (the steps of a run share one process)."""
    orders = good_orders()
    freed = weakref.ref(orders)
    assert validate_table("fct_orders", orders).success
    del orders
    gc.collect()
    assert freed() is None


def test_report_metadata_is_json_friendly():
    frame = good_customers()
    frame.loc[0, "r_score"] = 6
    [failure] = validate_table("customers", frame).failures
    assert failure.as_dict()["unexpected_values"] == [6]
    assert type(failure.as_dict()["unexpected_values"][0]) is int


@pytest.mark.parametrize("kind", ["int8", "int32", "uint16"])
def test_narrow_integer_scores_are_checked_like_wide_ones(kind):
    # DuckDB's INTEGER arrives as int32; GX is handed int64, which it compares as arrays
    frame = good_customers().astype({"r_score": kind, "f_score": kind, "m_score": kind})
    assert validate_table("customers", frame).success
    frame.loc[1, "m_score"] = 6
    [failure] = validate_table("customers", frame).failures
    assert failure.column == "m_score" and failure.as_dict()["unexpected_values"] == [6]
    assert frame["m_score"].dtype == kind  # the caller's frame is left as it was


def test_suites_only_read_columns_and_reasons_the_models_document():
    checked = {table.name for table in checked_tables()}
    assert set(SUITES) <= checked, "a suite names a table that is neither published nor a dbt model"
    assert suite_columns("quarantined_orders") == ["reason", "reason_kind", "source_file", "source_row"]
    assert "missing_exchange_rate" in vocabulary.quarantine_reasons()


def test_a_table_without_a_suite_is_a_clear_error():
    with pytest.raises(KeyError, match="no expectation suite for table 'nope'"):
        validate_table("nope", pd.DataFrame())


def test_the_columns_a_row_condition_reads_are_loaded_too():
    # model_metrics' grade is required only on scored pooled rows: prediction_source and category decide
    from pipeline.expectations.validate import suite_columns

    assert {"prediction_source", "category", "grade"} <= set(suite_columns("model_metrics"))
    assert "withheld" not in suite_columns("customer_predictions")


def test_row_conditions_hold_scored_rows_to_the_rule_and_let_the_others_be():
    # the grade may be empty on a withheld target and on a category row, never on a scored pooled row;
    # horizon_days is checked on model rows only (a rule row's 0 passes)
    assert validate_table("model_metrics", model_metrics_rows()).success
    ungraded = model_metrics_rows().assign(grade=[None, "Fair", None, None])
    [failure] = validate_table("model_metrics", ungraded).failures
    assert (failure.column, failure.unexpected_count) == ("grade", 1)
    no_horizon = model_metrics_rows().assign(horizon_days=[0, 0, 0, 90])
    [failure] = validate_table("model_metrics", no_horizon).failures
    assert (failure.column, failure.unexpected_count) == ("horizon_days", 1)
