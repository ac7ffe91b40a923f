"""The input contract: clear errors naming the frame and column, and labels that never peek past as_of."""

import pandas as pd
import pytest

from models_ml import InputContractError, check_inputs


def test_a_missing_column_is_named_with_its_frame(shop):
    with pytest.raises(InputContractError, match=r"features: required column 'is_scoring_cutoff'"):
        check_inputs(shop.features.drop(columns="is_scoring_cutoff"), shop.labels, shop.as_of)
    with pytest.raises(InputContractError, match=r"labels: required column 'churn_window_days'"):
        check_inputs(shop.features, shop.labels.drop(columns="churn_window_days"), shop.as_of)


def test_duplicate_customer_cutoff_rows_are_refused(shop):
    doubled = pd.concat([shop.features, shop.features.head(1)])
    first = shop.features.iloc[0]
    with pytest.raises(InputContractError, match=f"customer_id='{first['customer_id']}'"):
        check_inputs(doubled, shop.labels, shop.as_of)


def test_scoring_rows_must_sit_at_as_of(shop):
    with pytest.raises(InputContractError, match="not the run's as_of 2025-01-31"):
        check_inputs(shop.features, shop.labels, "2025-01-31")


def test_a_label_whose_window_ends_after_as_of_is_dropped(shop):
    labels = shop.labels.copy()
    late = labels["cutoff_date"] == labels["cutoff_date"].max()  # 30 days before as_of
    labels.loc[late, ["churn_label", "churn_window_days"]] = [True, 90]  # would end 60 days after as_of
    checked = check_inputs(shop.features, labels, shop.as_of)
    assert checked.labels.loc[late.to_numpy(), "churn_label"].isna().all()
    assert checked.labels.loc[late.to_numpy(), "purchase_label"].notna().all()  # its 30 days fit


def test_optional_inputs_may_be_absent(shop):
    checked = check_inputs(shop.features, shop.labels, shop.as_of, mix=None, category_labels=pd.DataFrame())
    assert checked.mix.empty and checked.category_labels.empty
