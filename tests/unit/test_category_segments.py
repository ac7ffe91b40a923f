"""Category segments: rules read from real scikit-learn trees, ranks, gain curve, small-data fallback."""

import json

import numpy as np
import pandas as pd
import pytest

from targeting.segments.rules import (
    ALL_CUSTOMERS,
    GAIN_COLUMNS,
    SEGMENT_COLUMNS,
    SegmentSettings,
    apply_conditions,
    build_category_segments,
    fit_category_segments,
    gain_curve,
)


def _rules(model) -> set[str]:
    return {segment.rule for segment in model.segments}


def test_integer_threshold_reads_as_whole_numbers():
    orders = np.tile(np.arange(6), 100)
    model = fit_category_segments(pd.DataFrame({"orders_90d": orders}), orders >= 2, category="shoes")
    # sklearn splits at 1.5; people read "at most 1" and "at least 2"
    assert _rules(model) == {"IF orders_90d <= 1", "IF orders_90d >= 2"}
    best = model.segments[0]
    assert (best.rank, best.rule, best.purchase_likelihood) == (1, "IF orders_90d >= 2", 1.0)
    assert [c.as_dict() for c in best.conditions] == [
        {"feature": "orders_90d", "op": ">=", "value": 2, "or_null": False}
    ]


def test_two_sided_bounds_merge_into_one_interval():
    recency = np.tile(np.arange(100), 10)
    model = fit_category_segments(
        pd.DataFrame({"recency_days": recency}), (recency >= 20) & (recency < 40), category="home"
    )
    assert _rules(model) == {"IF recency_days <= 19", "IF 20 <= recency_days <= 39", "IF recency_days >= 40"}
    assert model.segments[0].rule == "IF 20 <= recency_days <= 39"


def test_float_thresholds_are_rounded_for_people_and_exact_in_conditions():
    share = np.tile(np.round(np.arange(0, 1, 0.05), 2), 50)
    model = fit_category_segments(
        pd.DataFrame({"spend_share": share}), (share > 0.27) & (share < 0.73), category="beauty"
    )
    assert _rules(model) == {
        "IF spend_share <= 0.275",
        "IF 0.275 < spend_share <= 0.725",
        "IF spend_share > 0.725",
    }
    inside = model.segments[0]
    assert inside.conditions[0].op == ">" and inside.conditions[0].value == pytest.approx(0.275, abs=1e-6)


def test_missing_values_are_named_in_words():
    rng = np.random.default_rng(3)
    gap = rng.integers(1, 60, 1000).astype(float)
    gap[:300] = np.nan
    frame = pd.DataFrame({"avg_days_between_orders": gap})
    nulls_only = fit_category_segments(frame, np.isnan(gap), category="kids")
    assert _rules(nulls_only) == {"IF no avg_days_between_orders", "IF has avg_days_between_orders"}
    # buyers are those with no gap or a short one: the left side of the split keeps the nulls
    short_or_none = fit_category_segments(frame, np.isnan(gap) | (gap <= 10), category="kids")
    assert _rules(short_or_none) == {
        "IF (avg_days_between_orders <= 10 or no avg_days_between_orders)",
        "IF avg_days_between_orders >= 11",
    }
    assert short_or_none.segments[0].conditions[0].or_null is True


def test_root_only_tree_is_all_customers_and_says_why():
    frame = pd.DataFrame({"orders_90d": np.ones(500)})
    model = fit_category_segments(frame, np.arange(500) % 4 == 0, category="shoes")
    assert [(s.rule, s.conditions) for s in model.segments] == [(ALL_CUSTOMERS, ())]
    assert model.segments[0].purchase_likelihood == 0.25
    assert "no split" in model.fallback_reason


def _synthetic(n: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "orders_90d": rng.poisson(1.5, n),
            "days_since_last_order": rng.integers(0, 365, n),
            "avg_days_between_orders": np.where(rng.random(n) < 0.3, np.nan, rng.gamma(2, 20, n)),
            "spend_share_shoes": rng.random(n),
            "cutoff_date": pd.Timestamp("2025-01-31"),  # not numeric: never a feature
        }
    )
    likelihood = (
        0.05
        + 0.3 * (frame.orders_90d >= 2)
        + 0.2 * (frame.days_since_last_order < 40)
        + 0.2 * frame.avg_days_between_orders.isna()
        + 0.2 * frame.spend_share_shoes
    )
    return frame, rng.random(n) < likelihood


def test_segments_are_at_most_eight_ranked_and_rules_reproduce_the_tree():
    training, bought = _synthetic(6000, seed=1)
    scoring, _ = _synthetic(1500, seed=2)
    model = fit_category_segments(
        training.drop(columns="customer_id"), bought, category="shoes", settings=SegmentSettings()
    )
    assert 2 <= len(model.segments) <= 8
    assert [s.rank for s in model.segments] == list(range(1, len(model.segments) + 1))
    likelihoods = [s.purchase_likelihood for s in model.segments]
    assert likelihoods == sorted(likelihoods, reverse=True)
    assert all(s.training_rows >= 0.05 * len(training) for s in model.segments)
    # the published conditions, applied without the tree, put every row where the tree puts it
    ranks = model.assign(scoring)
    for segment in model.segments:
        np.testing.assert_array_equal(apply_conditions(scoring, segment.conditions), ranks == segment.rank)
        # and the likelihood is the buyers' share among the segment's training rows
        in_segment = apply_conditions(training, segment.conditions)
        assert segment.purchase_likelihood == pytest.approx(bought[in_segment].mean())
        assert segment.training_rows == in_segment.sum()

    fewer = fit_category_segments(
        training, bought, category="shoes", settings=SegmentSettings(max_leaf_nodes=4)
    )
    assert len(fewer.segments) <= 4


def test_build_gives_segments_gain_curve_members_and_small_category_fallback():
    training, bought = _synthetic(4000, seed=5)
    scoring, _ = _synthetic(1000, seed=6)
    labels = pd.DataFrame({"shoes": bought, "rare": np.arange(4000) < 5})
    result = build_category_segments(training, labels, scoring)

    assert list(result.segments.columns) == list(SEGMENT_COLUMNS)
    assert list(result.gain.columns) == list(GAIN_COLUMNS)
    rare = result.segments[result.segments.category == "rare"]
    assert rare[["segment_rank", "rule", "customers"]].values.tolist() == [[1, ALL_CUSTOMERS, 1000]]
    assert rare.fallback_reason.item() == "only 5 training rows bought the category (minimum 20)"
    assert result.segments[result.segments.category == "shoes"].fallback_reason.isna().all()

    shoes = result.gain[result.gain.category == "shoes"].reset_index(drop=True)
    segments = result.segments[result.segments.category == "shoes"]
    assert shoes.cumulative_customers.iloc[-1] == len(scoring)
    expected = (segments.customers * segments.purchase_likelihood).sum()
    assert shoes.cumulative_expected_buyers.iloc[-1] == pytest.approx(expected)
    assert shoes.cumulative_customer_share.iloc[-1] == pytest.approx(1.0)
    assert shoes.cumulative_buyer_share.iloc[-1] == pytest.approx(1.0)
    assert shoes.cumulative_buyer_share.is_monotonic_increasing
    # ordered by likelihood, the gain curve lies above the diagonal
    assert (shoes.cumulative_buyer_share >= shoes.cumulative_customer_share - 1e-12).all()
    assert json.loads(segments.rule_conditions.iloc[0])[0].keys() == {"feature", "op", "value", "or_null"}

    members = result.members
    assert len(members) == 2 * len(scoring)
    counts = members[members.category == "shoes"].segment_rank.value_counts()
    assert counts.to_dict() == {
        r: c for r, c in zip(segments.segment_rank, segments.customers, strict=True) if c
    }


def test_same_data_same_segments_including_the_sampled_fit():
    training, bought = _synthetic(3000, seed=9)
    labels = pd.DataFrame({"shoes": bought})
    settings = SegmentSettings(max_training_rows=1000, min_rows=200)
    first = build_category_segments(training, labels, training, settings=settings)
    second = build_category_segments(training, labels, training, settings=settings)
    pd.testing.assert_frame_equal(first.segments, second.segments)
    # likelihoods come from every training row, not only the sampled ones
    assert first.segments.training_rows.sum() == len(training)


def test_the_sampled_fit_takes_the_same_rows_whatever_their_order():
    training, bought = _synthetic(3000, seed=9)
    labels = pd.DataFrame({"shoes": bought})
    settings = SegmentSettings(max_training_rows=1000, min_rows=200)
    first = build_category_segments(training, labels, training, settings=settings)
    order = np.random.default_rng(4).permutation(len(training))
    shuffled = build_category_segments(
        training.iloc[order].reset_index(drop=True),
        labels.iloc[order].reset_index(drop=True),
        training,
        settings=settings,
    )
    pd.testing.assert_frame_equal(first.segments, shuffled.segments)
    assert first.segments.fallback_reason.isna().all()  # a real tree, fit on the sample
    with pytest.raises(ValueError, match="sampling them needs 'customer_id'"):
        fit_category_segments(training.drop(columns="customer_id"), bought, category="x", settings=settings)


def test_too_few_rows_and_bad_inputs():
    frame = pd.DataFrame({"orders_90d": [1, 2, 3]})
    model = fit_category_segments(frame, [True, False, True], category="shoes")
    assert model.fallback_reason == "only 3 training rows (minimum 200)"
    assert model.assign(pd.DataFrame({"orders_90d": [5, None]})).tolist() == [1, 1]
    empty = fit_category_segments(frame.iloc[:0], [], category="shoes")
    assert np.isnan(empty.segments[0].purchase_likelihood)

    with pytest.raises(ValueError, match="numeric or boolean: \\['name'\\]"):
        fit_category_segments(pd.DataFrame({"name": ["a"]}), [True], category="x", feature_columns=["name"])
    with pytest.raises(ValueError, match="'shoes': labels contain nulls"):
        fit_category_segments(frame, [True, None, False], category="shoes")
    with pytest.raises(ValueError, match="'ratio' holds infinite values"):
        fit_category_segments(pd.DataFrame({"ratio": [1.0, np.inf, 2.0]}), [True, False, True], category="x")
    with pytest.raises(ValueError, match="max_leaf_nodes"):
        SegmentSettings(max_leaf_nodes=1)


def test_gain_curve_of_nothing_is_empty():
    assert gain_curve(pd.DataFrame(columns=list(SEGMENT_COLUMNS))).empty
