"""The demo shop generator: deterministic, contract-shaped, realistic enough, dirty on purpose."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from demo_shop import generate
from demo_shop.__main__ import main
from demo_shop.ensure import MARKER, NotADemoFolderError, ensure_demo_shop
from demo_shop.generate import CATALOG, COLUMNS, FILES, GENERATOR_VERSION, generate_demo_shop
from demo_shop.progress import Progress
from pipeline.raw.contract import INVALID_REASONS

# the shop's currencies: EUR (and blank, read as EUR) needs no rate, the others have one
RATED_CURRENCIES = {"USD", "GBP", "PLN", "SEK", "DKK"}
PLANTED_DEFECTS = {
    "missing_order_id": lambda o: o["order_id"] == "",
    "missing_customer_id": lambda o: o["customer_id"] == "",
    "missing_timestamp": lambda o: o["ordered_at"] == "",
    "unparseable_timestamp": lambda o: o["ordered_at"].isin({"not-a-date", "31/02/2024"}),
    "future_timestamp": lambda o: o["ordered_at"].str.startswith("2099-"),
    "missing_amount": lambda o: o["amount"] == "",
    "non_numeric_amount": lambda o: o["amount"].isin({"12,5O", "abc"}),
    "unknown_currency": lambda o: o["currency"].isin({"XXX", "BTC"}),
    # accepted by the dbt var accepted_currencies, but the shop exports no rate for them
    "missing_exchange_rate": lambda o: o["currency"].isin({"NOK", "CHF"}),
    "unknown_status": lambda o: o["status"] == "lost_in_space",
}
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
        & orders["currency"].isin(RATED_CURRENCIES | {"EUR", ""})
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
    assert set(PLANTED_DEFECTS) == set(INVALID_REASONS), "a quarantine reason has no planted row"
    dirty = {kind: defect(orders) for kind, defect in PLANTED_DEFECTS.items()}
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


def test_cli_writes_the_files_and_reports_progress_and_counts(tmp_path, capsys):
    assert main(["--customers", "200", "--seed", "3", "--out", str(tmp_path), "--format", "csv"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("demo shop: 200 customers (seed 3)")
    assert printed[1].startswith("demo shop: done:") and printed[1].endswith(" s")
    assert any(line.startswith("exchange_rates.csv") for line in printed)
    assert {p.name for p in tmp_path.iterdir()} == {f"{name}.csv" for name in FILES}


def _days(values: pd.Series) -> pd.Series:
    """Dates or timestamps as whole days since 1970 in UTC (the day an order is converted on)."""
    stamps = pd.to_datetime(values, utc=True, format="ISO8601")
    return (stamps.dt.tz_localize(None).dt.normalize() - pd.Timestamp("1970-01-01")).dt.days


@pytest.fixture(scope="module")
def rates(shop) -> pd.DataFrame:
    frame = _read(shop[0], "exchange_rates")
    return frame.assign(day=_days(frame["date"]), rate=frame["rate_to_reporting"].astype(float))


@pytest.fixture(scope="module")
def rated_orders(orders, rates) -> pd.DataFrame:
    """Valid first versions of orders in a foreign currency, with the latest rate on or before their day."""
    valid = orders[_valid(orders) & orders["currency"].isin(RATED_CURRENCIES)]
    valid = valid.drop_duplicates("order_id", keep="first")
    valid = valid.assign(day=_days(valid["ordered_at"])).sort_values("day")
    published = rates[["day", "currency", "rate"]].rename(columns={"day": "rate_day"}).sort_values("rate_day")
    return pd.merge_asof(valid, published, left_on="day", right_on="rate_day", by="currency")


def test_exchange_rates_cover_every_currency_and_order_date(orders, rates, rated_orders):
    used = set(orders.loc[_valid(orders), "currency"]) - {"EUR", ""}
    assert used == set(rates["currency"]) == RATED_CURRENCIES
    assert rated_orders["rate"].notna().all(), "an order in a foreign currency has no rate on or before it"
    # business days only, like the ECB: a weekend order takes Friday's rate, never an older one
    assert (rated_orders["day"] - rated_orders["rate_day"]).max() <= 2
    weekday = (rates["day"] + 3) % 7  # 1970-01-01 was a Thursday; 0 is Monday
    assert weekday.max() <= 4
    per_currency = rates.groupby("currency")["day"]
    assert (per_currency.count() == per_currency.count().iloc[0]).all()
    assert rates["day"].min() < _days(orders.loc[_valid(orders), "ordered_at"]).min()
    # a slow walk: positive, and no day moves a rate by more than 3 %
    assert (rates["rate"] > 0).all()
    daily_move = rates.sort_values("day").groupby("currency")["rate"].pct_change().abs()
    assert daily_move.max() < 0.03


def test_amounts_are_in_the_orders_own_currency(shop, orders, rated_orders):
    items = _read(shop[0], "order_items")
    list_price = {f"P{i + 1:03d}": cents / 100 for i, (_, _, cents, _) in enumerate(CATALOG)}
    items = items.assign(
        unit_price=items["unit_price"].astype(float), list_eur=items["product_id"].map(list_price)
    )
    foreign = items.merge(rated_orders[["order_id", "currency", "rate"]], on="order_id")
    # converted back at the published rate, a line price is the euro list price less a discount
    # of 0, 10, 15 or 25 %, give or take the rounding to a cent of the local currency
    paid_share = foreign["unit_price"] * foreign["rate"] / foreign["list_eur"]
    nearest = paid_share.apply(lambda share: min((1.0, 0.9, 0.85, 0.75), key=lambda d: abs(d - share)))
    assert ((paid_share - nearest).abs() < 0.002).all()
    per_eur = (foreign["unit_price"] / foreign["list_eur"]).groupby(foreign["currency"]).median()
    assert 9 <= per_eur["SEK"] <= 14 and 6.5 <= per_eur["DKK"] <= 7.5 and 3.5 <= per_eur["PLN"] <= 4.5
    assert 0.75 <= per_eur["GBP"] <= 0.9 and 0.95 <= per_eur["USD"] <= 1.15
    # the order total is charged in the same currency, so its lines still add up to it
    totals = foreign.assign(line=foreign["unit_price"] * foreign["quantity"].astype(int))
    totals = totals.groupby("order_id")["line"].sum().round(2)
    sales = rated_orders[rated_orders["status"].isin({"completed", ""})].set_index("order_id")["amount"]
    sales = sales.astype(float)
    assert (sales - totals.reindex(sales.index)).abs().max() < 0.005


def test_progress_lines_are_throttled_and_name_the_running_stages():
    now, lines = [0.0], []
    progress = Progress(lines.append, every_s=5, clock=lambda: now[0])
    progress.say("500 customers")
    progress.advance("writing orders", 1, 4)  # too soon after the first line
    now[0] = 5.0
    progress.advance("writing web events", 1, 2)
    now[0] = 7.0
    progress.advance("writing orders", 2, 4)  # too soon again
    now[0] = 10.0
    progress.advance("writing orders", 4, 4)  # done stages are left out
    assert lines == [
        "demo shop: 500 customers",
        "demo shop: writing orders 25%, writing web events 50%",
        "demo shop: writing web events 50%",
    ]


def test_progress_from_a_worker_thread_is_reported_on_the_owning_thread():
    import threading

    lines = []
    progress = Progress(lines.append, every_s=0)
    worker = threading.Thread(target=progress.advance, args=("writing orders", 1, 3))
    worker.start()
    worker.join()
    assert lines == []
    progress.poll()
    assert lines == ["demo shop: writing orders 33%"]


def test_generation_reports_its_first_stage_and_its_end(tmp_path):
    lines = []
    generate_demo_shop(tmp_path, customers=200, seed=3, progress=lines.append, progress_every_s=0)
    assert lines[0] == f"demo shop: 200 customers (seed 3) into {tmp_path}"
    assert "demo shop: simulating customers 0%" in lines
    assert lines[-1].startswith("demo shop: done:")


def test_ensure_generates_once_and_never_writes_over_other_files(tmp_path):
    shop = tmp_path / "demo"
    assert ensure_demo_shop(shop, customers=100, seed=1)
    first = _digests(shop)
    assert not ensure_demo_shop(shop, customers=100, seed=1)
    assert _digests(shop) == first
    marker = json.loads((shop / MARKER).read_text())
    older = {**marker, "generator_version": GENERATOR_VERSION - 1}
    (shop / MARKER).write_text(json.dumps(older))
    assert ensure_demo_shop(shop, customers=100, seed=1)
    assert ensure_demo_shop(shop, customers=120, seed=1)  # other arguments: generated again
    (shop / MARKER).write_text(json.dumps({**marker, "complete": False}))  # an interrupted generation
    assert ensure_demo_shop(shop, customers=100, seed=1)

    own = tmp_path / "own"
    own.mkdir()
    (own / "orders.csv").write_text("order_id\n1\n")
    with pytest.raises(NotADemoFolderError, match="not a generated demo shop"):
        ensure_demo_shop(own, customers=100, seed=1)
    assert [p.name for p in own.iterdir()] == ["orders.csv"]
    assert ensure_demo_shop(own, customers=100, seed=1, owned=True)  # a folder kept for the demo shop


def test_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError):
        generate_demo_shop(tmp_path, customers=0)
    with pytest.raises(ValueError):
        generate_demo_shop(tmp_path, fmt="xlsx")
