"""The demo shop generator: deterministic, contract-shaped, realistic enough, dirty on purpose."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.demo import generate
from pipeline.demo.__main__ import main
from pipeline.demo.generate import COLUMNS, FILES, generate_demo_shop

ACCEPTED_CURRENCIES = {"EUR", "USD", "GBP", "PLN", "SEK", "DKK", "NOK", "CHF", ""}
ISO_FORMS = r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}|T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2})?$"


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _read(folder: Path, name: str) -> pd.DataFrame:
    # Raw text, as the pipeline reads it: an empty field stays an empty string.
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("shop")
    return out, generate_demo_shop(out, customers=2000, seed=7)


@pytest.fixture(scope="module")
def orders(shop) -> pd.DataFrame:
    return _read(shop[0], "orders")


def _valid(orders: pd.DataFrame) -> pd.Series:
    amount = pd.to_numeric(orders["amount"], errors="coerce")
    return (
        (orders["order_id"] != "")
        & (orders["customer_id"] != "")
        & orders["ordered_at"].str.match(ISO_FORMS)
        & ~orders["ordered_at"].str.startswith("2099")
        & amount.notna()
        & orders["currency"].isin(ACCEPTED_CURRENCIES)
        & orders["status"].isin({"completed", "cancelled", "refunded", ""})
    )


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(tmp_path):
    generate_demo_shop(tmp_path / "a", customers=300, seed=1)
    generate_demo_shop(tmp_path / "b", customers=300, seed=1)
    generate_demo_shop(tmp_path / "c", customers=300, seed=2)
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    assert _digests(tmp_path / "a")["orders.csv"] != _digests(tmp_path / "c")["orders.csv"]


def test_several_chunks_stay_deterministic_and_keep_customer_ids_unique(tmp_path, monkeypatch):
    monkeypatch.setattr(generate, "CHUNK_CUSTOMERS", 70)  # 5 chunks, simulated on worker threads
    generate_demo_shop(tmp_path / "a", customers=300, seed=3, dirty_share=0.02)
    generate_demo_shop(tmp_path / "b", customers=300, seed=3, dirty_share=0.02)
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    ids = _read(tmp_path / "a", "customers")["customer_id"]
    assert ids.is_unique and ids.iloc[0] == "C000001" and ids.iloc[-1] == "C000300"


def test_every_file_has_exactly_the_contract_columns(shop):
    folder, counts = shop
    assert set(counts) == set(FILES)
    for name in FILES:
        frame = _read(folder, name)
        assert tuple(frame.columns) == COLUMNS[name], name
        assert len(frame) == counts[name] > 0, name


def test_every_dirty_kind_is_present(orders):
    dirty = {
        "missing_order_id": orders["order_id"] == "",
        "missing_customer_id": orders["customer_id"] == "",
        "missing_timestamp": orders["ordered_at"] == "",
        "unparseable_timestamp": orders["ordered_at"].isin({"not-a-date", "31/02/2024"}),
        "future_timestamp": orders["ordered_at"].str.startswith("2099-"),
        "missing_amount": orders["amount"] == "",
        "non_numeric_amount": orders["amount"].isin({"12,5O", "abc"}),
        "unknown_currency": orders["currency"].isin({"XXX", "BTC"}),
        "unknown_status": orders["status"] == "lost_in_space",
    }
    for kind, mask in dirty.items():
        assert mask.any(), kind
    assert sum(m.sum() for m in dirty.values()) < 0.02 * len(orders)
    # Each dirty row has exactly one defect, so its quarantine reason is unambiguous.
    assert (sum(m.astype(int) for m in dirty.values()) <= 1).all()


def test_duplicates_are_later_versions_of_valid_orders(orders):
    valid = orders[_valid(orders)]
    repeated = valid[valid["order_id"].duplicated(keep=False)]
    assert len(repeated) > 0
    last = repeated.drop_duplicates("order_id", keep="last")
    first = repeated.drop_duplicates("order_id", keep="first")
    assert (last.index > first.index).all()
    before = first.set_index("order_id")[["amount", "status"]]
    after = last.set_index("order_id")[["amount", "status"]].loc[before.index]
    assert (before != after).any(axis=1).any()
    assert set(last["status"]) <= {"completed", "refunded", "cancelled", ""}


def test_item_lines_add_up_to_the_order_amount(shop, orders):
    items = _read(shop[0], "order_items")
    lines = items["quantity"].astype(int) * items["unit_price"].astype(float)
    basket = lines.groupby(items["order_id"]).sum().round(2)
    once = orders[_valid(orders) & ~orders["order_id"].duplicated(keep=False)]
    sales = once[once["status"].isin({"completed", ""}) & once["order_id"].str.startswith("O")]
    sample = sales.sample(min(500, len(sales)), random_state=0).set_index("order_id")["amount"].astype(float)
    assert (sample - basket.reindex(sample.index)).abs().max() < 0.005
    assert set(items["order_id"]) <= set(orders["order_id"])
    assert items["product_id"].isin(_read(shop[0], "products")["product_id"]).all()


def test_the_shop_looks_like_a_shop(shop, orders):
    folder, _ = shop
    valid = orders[_valid(orders)].drop_duplicates("order_id", keep="last")
    sales = valid[~valid["order_id"].str.startswith("R-")]
    per_customer = sales.groupby("customer_id").size()
    assert 0.35 <= (per_customer == 1).mean() <= 0.60  # one-time buyers
    assert per_customer.max() >= 40  # some VIPs
    assert 6 <= len(sales) / 2000 <= 14  # orders per customer across the base

    status = sales["status"].value_counts(normalize=True)
    assert 0.015 <= status["cancelled"] <= 0.05 and 0.01 <= status["refunded"] <= 0.035
    assert (sales["currency"].isin({"EUR", ""})).mean() > 0.85
    refunds = valid[valid["order_id"].str.startswith("R-")]
    assert len(refunds) > 0 and (refunds["amount"].astype(float) < 0).all()
    assert (sales["campaign_id"] != "").any()
    forms = sales["ordered_at"].str.len().value_counts()
    assert {10, 19, 25} <= set(forms.index)

    products = _read(folder, "products")
    assert 15 <= len(products) <= 30 and 5 <= products["category"].nunique() <= 8
    events = _read(folder, "web_events")
    assert set(events["event_type"]) == {"view", "add_to_cart", "checkout"}
    assert (events["product_id"] != "").all()
    comms = _read(folder, "communications")
    assert set(comms["channel"]) == {"email", "sms"}
    customers = _read(folder, "customers").set_index("customer_id")
    assert customers.loc[comms["customer_id"][comms["channel"] == "email"], "email_opt_in"].eq("true").all()
    assert set(customers["email_opt_in"]) == {"true", "false"}


def test_campaign_recipients_buy_more_in_the_following_week(tmp_path):
    # A real causal uplift: random recipients vs opted-in customers left out of the same send.
    generate_demo_shop(tmp_path, customers=6000, seed=11, dirty_share=0)
    orders = _read(tmp_path, "orders")
    orders["t"] = pd.to_datetime(orders["ordered_at"], utc=True, format="ISO8601")
    comms = _read(tmp_path, "communications")
    comms["t"] = pd.to_datetime(comms["sent_at"], utc=True)
    customers = _read(tmp_path, "customers")
    customers["created"] = pd.to_datetime(customers["created_at"], utc=True)
    got, base = 0.0, 0.0
    for _, sent in comms[comms["channel"] == "email"].groupby("campaign_id"):
        start = sent["t"].min()
        eligible = customers[(customers["email_opt_in"] == "true") & (customers["created"] < start)]
        left_out = set(eligible["customer_id"]) - set(sent["customer_id"])
        week = orders[(orders["t"] >= start) & (orders["t"] < start + pd.Timedelta(days=7))]
        got += week["customer_id"].isin(set(sent["customer_id"])).sum() / len(sent)
        base += week["customer_id"].isin(left_out).sum() / max(len(left_out), 1)
    assert got > 1.1 * base


def test_parquet_is_readable_and_orders_are_text(tmp_path):
    counts = generate_demo_shop(tmp_path, customers=300, seed=5, fmt="parquet")
    for name in FILES:
        table = pq.read_table(tmp_path / f"{name}.parquet")
        assert tuple(table.column_names) == COLUMNS[name]
        assert table.num_rows == counts[name]
    orders = pq.read_table(tmp_path / "orders.parquet")
    assert all(str(t) == "string" for t in orders.schema.types)
    assert "abc" in orders.column("amount").to_pylist() or "12,5O" in orders.column("amount").to_pylist()


def test_cli_writes_the_files_and_reports_counts(tmp_path, capsys):
    assert main(["--customers", "200", "--seed", "3", "--out", str(tmp_path), "--format", "csv"]) == 0
    printed = capsys.readouterr().out
    assert "orders.csv" in printed and " s" in printed
    assert {p.name for p in tmp_path.iterdir()} == {f"{name}.csv" for name in FILES}


def test_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError):
        generate_demo_shop(tmp_path, customers=0)
    with pytest.raises(ValueError):
        generate_demo_shop(tmp_path, fmt="xlsx")
