"""Shop shapes: the raw loader accepts them, a seed gives the same bytes, each shape keeps its promise."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from demo_shop.shapes import MARKER, SHAPES, NotAShapeFolderError, write_shape
from demo_shop.shapes.__main__ import main
from demo_shop.shapes.catalog import CATEGORIES
from pipeline.raw.contract import ENTITIES
from pipeline.raw.load import load_raw_folder

END = dt.date(2025, 12, 31)
DAY = pd.Timedelta(days=1)
ISO_SECONDS = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"
MONEY = r"^\d+\.\d{2}$"
WITH_ITEMS = {"sparse_repeat", "category_drift"}


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    """Every shape at its default size, written once for the whole module."""
    root = tmp_path_factory.mktemp("shapes")
    for name in SHAPES:
        write_shape(name, root / name, seed=11, end=END)
    return {name: root / name for name in SHAPES}


def _orders(folder: Path) -> pd.DataFrame:
    orders = pd.read_csv(folder / "orders.csv", dtype=str, keep_default_na=False)
    orders["at"] = pd.to_datetime(orders["ordered_at"], format="%Y-%m-%dT%H:%M:%S")
    orders["value"] = orders["amount"].astype(float)
    return orders.sort_values(["customer_id", "at"], kind="stable").reset_index(drop=True)


def _lines(folder: Path) -> pd.DataFrame:
    items = pd.read_csv(folder / "order_items.csv", dtype=str, keep_default_na=False)
    products = pd.read_csv(folder / "products.csv", dtype=str, keep_default_na=False)
    return items.merge(products[["product_id", "category"]], on="product_id", how="left", validate="m:1")


def _orders_per_customer(orders: pd.DataFrame) -> pd.Series:
    return orders.groupby("customer_id").size()


def _gap_days(orders: pd.DataFrame) -> pd.Series:
    """Days between a customer's consecutive orders (orders sorted by customer, then time)."""
    gaps = orders.groupby("customer_id")["at"].diff().dropna()
    return gaps / DAY


def _first_orders(orders: pd.DataFrame) -> pd.DataFrame:
    first = orders.groupby("customer_id", sort=False).head(1).set_index("customer_id")
    return first.assign(orders=_orders_per_customer(orders))


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# ---------------------------------------------------------------------------------------------------
# every shape: the contract, the formats, determinism
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SHAPES))
def test_the_raw_loader_accepts_every_shape_with_its_row_counts(name, folders, tmp_path):
    folder = folders[name]
    written = {f.name: sum(1 for _ in f.open()) - 1 for f in folder.glob("*.csv")}
    summary = load_raw_folder(folder, tmp_path / "w.duckdb")
    for entity in ENTITIES:
        assert summary[entity.name]["rows"] == written.get(f"{entity.name}.csv", 0), entity.name
    assert ("order_items.csv" in written) == (name in WITH_ITEMS) == ("products.csv" in written)


@pytest.mark.parametrize("name", list(SHAPES))
def test_orders_are_contract_text_unique_and_within_the_history(name, folders):
    orders = _orders(folders[name])
    assert orders["order_id"].is_unique
    assert orders["ordered_at"].str.match(ISO_SECONDS).all()
    assert orders["amount"].str.match(MONEY).all() and (orders["value"] >= 1).all()
    assert orders["customer_id"].str.match(r"^C\d+$").all()
    assert orders["at"].max() < pd.Timestamp(END) + DAY
    if "currency" in orders:
        assert set(orders["currency"]) == {"EUR"}
    # ids are numbered in time order
    by_id = orders.sort_values("order_id")["at"]
    assert by_id.is_monotonic_increasing


@pytest.mark.parametrize("name", sorted(WITH_ITEMS))
def test_order_amounts_are_the_sum_of_their_lines(name, folders):
    orders, lines = _orders(folders[name]), _lines(folders[name])
    assert lines["category"].isin(CATEGORIES).all()
    assert not lines.duplicated(["order_id", "product_id"]).any()
    cents = (
        (lines["quantity"].astype(int) * (lines["unit_price"].astype(float) * 100).round())
        .groupby(lines["order_id"])
        .sum()
    )
    totals = (orders.set_index("order_id")["value"] * 100).round()
    assert set(cents.index) == set(totals.index)  # every order has lines, every line an order
    assert (cents.reindex(totals.index) == totals).all()


@pytest.mark.parametrize("name", list(SHAPES))
def test_the_same_seed_writes_identical_bytes(name, tmp_path):
    customers = min(SHAPES[name].customers, 300)
    for folder in ("a", "b"):
        write_shape(name, tmp_path / folder, customers=customers, seed=3, end=END)
    write_shape(name, tmp_path / "c", customers=customers, seed=4, end=END)
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    assert _digests(tmp_path / "a")["orders.csv"] != _digests(tmp_path / "c")["orders.csv"]


# ---------------------------------------------------------------------------------------------------
# each shape's stated property
# ---------------------------------------------------------------------------------------------------


def test_tiny_is_60_customers_with_a_few_orders_each_and_orders_only(folders):
    orders = _orders(folders["tiny"])
    counts = _orders_per_customer(orders)
    assert len(counts) == 60 and counts.between(1, 6).all() and counts.mean() >= 2
    assert (orders["at"].max() - orders["at"].min()) / DAY < 365
    assert sorted(p.name for p in folders["tiny"].iterdir()) == [MARKER, "orders.csv"]


def test_random_timing_past_orders_say_nothing_about_future_orders(folders):
    orders = _orders(folders["random_timing"])
    assert 270 <= orders["customer_id"].nunique() <= 300 and len(orders) == 900
    middle = orders["at"].min() + (orders["at"].max() - orders["at"].min()) / 2
    everyone = pd.Index(orders["customer_id"].unique())
    before = orders[orders["at"] < middle].groupby("customer_id").size().reindex(everyone, fill_value=0)
    after = orders[orders["at"] >= middle].groupby("customer_id").size().reindex(everyone, fill_value=0)
    # a busy first year does not predict a busy second one (slightly negative: a customer needs an order
    # to exist); in a shop with repeat behaviour this correlation is strongly positive
    assert before.corr(after, method="spearman") < 0.15
    # and the moments are uniform: every quarter of the history holds about a quarter of the orders
    elapsed = orders["at"] - orders["at"].min()
    quarter = (elapsed / elapsed.max() * 4).clip(0, 3.99).astype(int)
    assert quarter.value_counts(normalize=True).between(0.2, 0.3).all()


def test_strict_cadence_customers_keep_their_own_regular_gap(folders):
    orders = _orders(folders["strict_cadence"])
    gaps = _gap_days(orders)
    by_customer = gaps.groupby(orders.loc[gaps.index, "customer_id"])
    stats = pd.DataFrame({"n": by_customer.size(), "cv": by_customer.std() / by_customer.mean()})
    cv = stats.loc[stats["n"] >= 3, "cv"]
    assert len(cv) > 300
    assert cv.median() < 0.1 and cv.quantile(0.95) < 0.2
    usual = by_customer.median()
    nearest = np.abs(usual.to_numpy()[:, None] - np.array([7, 14, 30, 60])[None, :]).min(axis=1)
    assert np.mean(nearest <= 2) > 0.95


def test_short_history_spans_at_most_75_days(folders):
    orders = _orders(folders["short_history"])
    assert orders["at"].min() >= pd.Timestamp(END) - 74 * DAY
    assert (orders["at"].max() - orders["at"].min()) / DAY <= 75
    assert 0.2 <= (_orders_per_customer(orders) > 1).mean() <= 0.45


def test_one_time_heavy_has_85_to_95_percent_one_time_buyers(folders):
    counts = _orders_per_customer(_orders(folders["one_time_heavy"]))
    assert 0.85 <= (counts == 1).mean() <= 0.95
    assert counts.max() >= 3


def test_orders_only_writes_the_four_required_columns_and_nothing_else(folders):
    folder = folders["orders_only"]
    assert sorted(p.name for p in folder.iterdir()) == [MARKER, "orders.csv"]
    assert (folder / "orders.csv").read_text().splitlines()[0] == "order_id,customer_id,ordered_at,amount"
    counts = _orders_per_customer(_orders(folder))
    assert 400 <= len(counts) <= 500 and 0.25 <= (counts > 1).mean() <= 0.55


def test_sparse_repeat_returning_depends_on_the_first_basket_category_and_season(folders):
    orders, lines = _orders(folders["sparse_repeat"]), _lines(folders["sparse_repeat"])
    first = _first_orders(orders)
    assert 0.65 <= (first["orders"] == 1).mean() <= 0.75
    assert first["orders"].max() <= 6
    assert 480 <= (orders["at"].max() - orders["at"].min()) / DAY <= 548
    # what the first order was, from its lines
    first_lines = lines[lines["order_id"].isin(first["order_id"])]
    first_lines = first_lines.assign(units=first_lines["quantity"].astype(int))
    basket = first_lines.groupby("order_id").agg(units=("units", "sum"), category=("category", "first"))
    first = first.join(basket, on="order_id").assign(returned=lambda f: f["orders"] > 1)
    # only customers with time to come back
    first = first[first["at"] < pd.Timestamp(END) - 120 * DAY]
    by_category = first.groupby("category")["returned"].mean()
    assert by_category[["coffee", "skincare"]].min() > 2 * by_category[["home", "electronics"]].max()
    by_units = first.groupby(first["units"].clip(upper=4))["returned"].mean()
    assert by_units[4] > 1.5 * by_units[1]
    day = first["at"].dt.dayofyear
    q4 = first["at"].dt.month.isin([11, 12]) & day.between(324, 358)
    assert first.loc[q4, "returned"].mean() < 0.5 * first.loc[~q4, "returned"].mean()
    assert q4.sum() >= 100  # the peak brings many new customers


def test_seasonal_has_q4_and_summer_peaks_and_customers_who_return_yearly(folders):
    orders = _orders(folders["seasonal"])
    daily = orders.groupby(orders["at"].dt.normalize()).size()
    daily = daily.reindex(pd.date_range(daily.index.min(), daily.index.max()), fill_value=0)
    month, day = daily.index.month, daily.index.day
    q4 = ((month == 11) & (day >= 22)) | ((month == 12) & (day <= 22))
    summer = ((month == 6) & (day >= 17)) | (month == 7)
    quiet = month.isin([2, 3, 4])
    assert daily[q4].mean() > 2.5 * daily[quiet].mean()
    assert daily[summer].mean() > 1.4 * daily[quiet].mean()
    gaps = _gap_days(orders)
    years = gaps / 365.25
    yearly = ((years.round() >= 1) & ((years - years.round()).abs() * 365.25 <= 30)).groupby(
        orders.loc[gaps.index, "customer_id"]
    )
    share = yearly.all().mean()  # of customers with at least two orders
    assert share >= 0.2


def test_campaign_orders_fall_in_response_windows_and_cluster_on_responders(folders):
    orders = _orders(folders["campaign_response"])
    campaign = orders[orders["campaign_id"] != ""]
    assert (campaign["channel"] == "email").all()
    assert set(orders.loc[orders["campaign_id"] == "", "channel"]) == {"organic", "direct"}
    assert 0.15 <= len(campaign) / len(orders) <= 0.5
    spread = campaign.groupby("campaign_id")["at"].agg(lambda at: (at.max() - at.min()) / DAY)
    assert len(spread) >= 15 and (spread <= 7).all()
    # answers bunch at the start of each window
    delay = campaign["at"] - campaign.groupby("campaign_id")["at"].transform("min")
    assert (delay / DAY < 3).mean() > 0.7
    per_customer = campaign.groupby("customer_id").size()
    responders = per_customer[per_customer >= 2]
    assert responders.sum() / len(campaign) >= 0.8
    assert len(responders) / orders["customer_id"].nunique() <= 0.3


def test_category_drift_customers_end_in_another_category_than_they_started(folders):
    orders, lines = _orders(folders["category_drift"]), _lines(folders["category_drift"])
    main_category = lines.groupby("order_id")["category"].agg(lambda c: c.mode().iloc[0])
    orders = orders.assign(category=orders["order_id"].map(main_category))
    orders = orders[orders.groupby("customer_id")["order_id"].transform("size") >= 9]
    size = orders.groupby("customer_id")["order_id"].transform("size")
    position = orders.groupby("customer_id").cumcount() / size
    early = orders[position < 1 / 3].groupby("customer_id")["category"].agg(lambda c: c.mode().iloc[0])
    late = orders[position >= 2 / 3].groupby("customer_id")["category"].agg(lambda c: c.mode().iloc[0])
    assert len(early) >= 300
    assert (early != late.reindex(early.index)).mean() >= 0.6


def test_basket_trend_order_values_trend_up_for_some_and_down_for_others(folders):
    orders = _orders(folders["basket_trend"])
    orders = orders[orders.groupby("customer_id")["order_id"].transform("size") >= 6]
    rank = orders.groupby("customer_id")[["at", "value"]].rank()
    trend = rank.groupby(orders["customer_id"]).apply(lambda r: r["at"].corr(r["value"]))
    assert len(trend) >= 300
    assert (trend > 0.5).mean() >= 0.25 and (trend < -0.5).mean() >= 0.25
    assert (trend.abs() < 0.5).mean() >= 0.15


# ---------------------------------------------------------------------------------------------------
# the folder and the command line
# ---------------------------------------------------------------------------------------------------


def test_a_new_shape_replaces_the_previous_shapes_files_only(tmp_path):
    write_shape("sparse_repeat", tmp_path, customers=50, end=END)
    (tmp_path / "notes.txt").write_text("mine")
    write_shape("orders_only", tmp_path, customers=50, end=END)
    assert sorted(p.name for p in tmp_path.iterdir()) == [MARKER, "notes.txt", "orders.csv"]


def test_a_folder_with_foreign_files_is_refused(tmp_path):
    (tmp_path / "orders.csv").write_text("order_id\n1\n")
    with pytest.raises(NotAShapeFolderError, match="not empty"):
        write_shape("tiny", tmp_path)
    assert (tmp_path / "orders.csv").read_text() == "order_id\n1\n"


def test_cli_lists_every_shape_and_writes_one(tmp_path, capsys):
    assert main(["--list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listed] == list(SHAPES)
    argv = ["tiny", "--out", str(tmp_path), "--customers", "10", "--seed", "5", "--end", "2024-02-29"]
    assert main(argv) == 0
    assert "orders.csv" in capsys.readouterr().out
    orders = _orders(tmp_path)
    assert orders["customer_id"].nunique() <= 10 and orders["at"].max() < pd.Timestamp("2024-03-01")
    with pytest.raises(SystemExit):
        main(["--end", "yesterday", "tiny", "--out", str(tmp_path)])


def test_the_shapes_do_not_import_the_pipeline():
    code = "import sys, demo_shop.shapes.__main__; print([m for m in sys.modules if m[:8] == 'pipeline'])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
