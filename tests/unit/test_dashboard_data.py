"""The little logic the dashboard pages add on top of the published tables: periods, selections, grids."""

from datetime import date

import pandas as pd
import pytest

from dashboards import formatting as fmt
from dashboards.data.crm import months_back
from dashboards.data.insights import period_totals
from dashboards.data.predictions import grid_matrix
from dashboards.data.recommendation import default_audiences, selection_totals


@pytest.mark.parametrize(
    ("latest", "months", "first"),
    [
        (date(2026, 6, 1), 12, date(2025, 7, 1)),
        (date(2026, 6, 1), 1, date(2026, 6, 1)),
        (date(2026, 1, 1), 3, date(2025, 11, 1)),
    ],
)
def test_a_period_of_months_ends_with_the_latest_month(latest, months, first):
    assert months_back(latest, months) == first


def test_chosen_segments_add_up_to_their_likelihood():
    segments = pd.DataFrame(
        {"segment_rank": [1, 2, 3], "customers": [10, 30, 60], "expected_buyers": [8.0, 6.0, 3.0]}
    )
    totals = selection_totals(segments, [1, 3])
    assert totals == {"segments": 2, "customers": 70.0, "expected_buyers": 11.0, "likelihood": 11.0 / 70}
    assert selection_totals(segments, [])["likelihood"] == 0.0


def test_new_and_returning_totals_over_a_period():
    rows = pd.DataFrame(
        {
            "new_revenue": [100.0, 50.0], "new_orders": [2, 1], "new_customers": [2, 1],
            "returning_revenue": [300.0, 0.0], "returning_orders": [3, 0], "returning_customers": [1, 0],
        }
    )  # fmt: skip
    totals = period_totals(rows).set_index("kind")
    assert (
        totals.loc["new", "avg_order_value"] == 50.0
        and totals.loc["returning", "sales_per_customer"] == 300.0
    )


def test_the_grid_has_every_cell_high_purchase_first():
    cells = pd.DataFrame(
        {"purchase_level": ["low", "high"], "churn_level": ["high", "low"], "customers": [5, 7]}
    )
    matrix = grid_matrix(cells, "customers")
    assert list(matrix.index) == ["high", "medium", "low"] and list(matrix.columns) == [
        "low",
        "medium",
        "high",
    ]
    assert matrix.loc["high", "low"] == 7 and matrix.loc["low", "high"] == 5 and matrix.to_numpy().sum() == 12


def test_the_default_audience_is_the_categorys_else_the_first_ads_one():
    audiences = pd.DataFrame(
        {"audience": ["a", "b", "c"], "channel": ["email", "ads", "ads"], "category": [None, None, "shoes"]}
    )
    assert default_audiences(audiences, "shoes") == ["c"]
    assert default_audiences(audiences, "kids") == ["b"]


def test_amounts_read_as_a_shop_owner_reads_them():
    assert fmt.money(1234.5, "EUR") == "1,234.50 EUR" and fmt.money(257494.7, "EUR") == "257,495 EUR"
    assert fmt.share(0.4936) == "49.4%" and fmt.money(None, "EUR") == fmt.count(float("nan")) == "–"
