"""A deterministic demo shop: raw files that follow docs/data-contract.md.

The customer model is the Pareto/NBD shape the analytics expect: every customer has a Gamma
distributed purchase rate and an exponential lifetime whose drop-out rate is itself Gamma
distributed, plus a share that never comes back after the first order. Purchase times live on a
warped clock (hour of day, weekday, season, Black Friday) so uniform draws on that clock become a
seasonal non-homogeneous Poisson process. Campaigns really work: a received e-mail or SMS raises
the purchase rate for a week, which is what the assisted-sales analysis should find again.

The shop sells in six currencies. Prices are set in euros and an order in another currency is
charged in that currency at the day's exchange rate, which the shop also exports
(exchange_rates.csv, demo_shop/exchange_rates.py), so converting back gives the euro value again.

Everything is vectorised. Customers are simulated in fixed-size chunks with their own seeded
generator, so memory for the simulation stays bounded and the output only depends on the
arguments. The compact numeric results are then sorted by time and written in slices.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from demo_shop.exchange_rates import ExchangeRates
from demo_shop.progress import Progress, Report
from pipeline.raw.contract import ENTITIES, INVALID_REASONS

# Bump when the same arguments write different files, so an existing demo folder is regenerated.
GENERATOR_VERSION = 2

# Fixed so a customer's data does not depend on how many customers are generated after it.
CHUNK_CUSTOMERS = 50_000
SLICE_ROWS = 1_000_000
DAY_S = 86_400
WORKERS = min(2, os.cpu_count() or 1)

FILES = ("orders", "order_items", "products", "customers", "web_events", "communications", "exchange_rates")
COLUMNS = {entity.name: entity.columns for entity in ENTITIES}

# (name, category, price in cents, popularity within its category)
CATALOG = (
    ("Organic Cotton T-Shirt", "apparel", 2499, 5.0),
    ("Merino Crew Sweater", "apparel", 8900, 2.0),
    ("Slim Fit Jeans", "apparel", 6995, 3.0),
    ("Packable Rain Jacket", "apparel", 12900, 1.0),
    ("Everyday Sneakers", "shoes", 7995, 4.0),
    ("Trail Running Shoes", "shoes", 11900, 2.0),
    ("Leather Chelsea Boots", "shoes", 15900, 1.0),
    ("Hydrating Face Cream", "beauty", 2950, 4.0),
    ("Vitamin C Serum", "beauty", 3490, 3.0),
    ("Solid Shampoo Bar", "beauty", 995, 5.0),
    ("Lip Balm Trio", "beauty", 1200, 3.0),
    ("Linen Duvet Cover", "home", 11900, 1.0),
    ("Soy Scented Candle", "home", 1990, 5.0),
    ("Stoneware Mug Set", "home", 3200, 3.0),
    ("Wireless Earbuds", "electronics", 8999, 3.0),
    ("Fitness Smart Watch", "electronics", 19900, 1.0),
    ("USB-C Fast Charger", "electronics", 2499, 5.0),
    ("Bluetooth Speaker", "electronics", 5900, 2.0),
    ("Cork Yoga Mat", "sports", 3990, 3.0),
    ("Insulated Water Bottle", "sports", 2495, 5.0),
    ("Resistance Band Set", "sports", 1999, 3.0),
    ("Kids Rain Boots", "kids", 3495, 2.0),
    ("Plush Bear", "kids", 2200, 4.0),
    ("Building Blocks Set", "kids", 4999, 3.0),
)
CATEGORIES = ("apparel", "shoes", "beauty", "home", "electronics", "sports", "kids")
CATEGORY_WEIGHT = np.array([0.25, 0.12, 0.20, 0.11, 0.10, 0.12, 0.10])

# country, share, dialling code, mobile prefix, national number length, local currency, its share
COUNTRIES = (
    ("DE", 0.34, "49", 15, 11, "EUR", 0.0),
    ("FR", 0.14, "33", 6, 9, "EUR", 0.0),
    ("NL", 0.10, "31", 6, 9, "EUR", 0.0),
    ("PL", 0.08, "48", 5, 9, "PLN", 0.15),
    ("AT", 0.05, "43", 66, 10, "EUR", 0.0),
    ("BE", 0.05, "32", 47, 9, "EUR", 0.0),
    ("SE", 0.05, "46", 7, 9, "SEK", 0.10),
    ("DK", 0.04, "45", 2, 8, "DKK", 0.10),
    ("IT", 0.05, "39", 3, 10, "EUR", 0.0),
    ("ES", 0.05, "34", 6, 9, "EUR", 0.0),
    ("GB", 0.03, "44", 7, 10, "GBP", 0.85),
    ("US", 0.02, "1", 2, 10, "USD", 0.90),
)
# Code 0 is EUR; the last code is an empty value, which the contract reads as the default currency.
CURRENCIES = ("EUR", "USD", "GBP", "PLN", "SEK", "DKK", "")
CHANNELS = ("organic", "ads", "email", "direct", "social", "referral", "sms", "")
CHANNEL_WEIGHT = np.array([0.26, 0.21, 0.18, 0.15, 0.10, 0.05, 0.05])
STATUSES = ("completed", "cancelled", "refunded", "")
EVENT_TYPES = ("view", "add_to_cart", "checkout")

# Customer model (rates per day on the seasonal clock); tuned for ~10 orders per customer over
# three years with about half of the buyers never coming back.
RATE_SHAPE, RATE_MEAN_PER_YEAR, RATE_CAP = 0.5, 15.0, 0.4
DROPOUT_SHAPE, DROPOUT_SCALE_PER_YEAR = 0.8, 1.2
ONE_AND_DONE = 0.27
NON_BUYERS = 0.06
GROWTH_PER_YEAR = 0.45
BASKET_P = np.array([0.48, 0.26, 0.14, 0.08, 0.04])
QUANTITY_P = np.array([0.86, 0.11, 0.03])
UPLIFT_DAYS = 7.0
UPLIFT = {"email": 0.35, "sms": 0.5}  # extra purchase rate, as a share of the customer's own rate
REACTIVATION = 0.01  # chance a message brings back a lapsed or never-buying customer
ATTRIBUTED = 0.6

# Dirty order rows; every kind maps to one quarantine reason of the contract (or a duplicate).
DIRTY_KINDS = (*INVALID_REASONS, "duplicate")
DIRTY_VALUES = {
    "unparseable_timestamp": ("not-a-date", "31/02/2024"),
    "non_numeric_amount": ("12,5O", "abc"),
    "unknown_currency": ("XXX", "BTC"),
    "missing_exchange_rate": ("NOK", "CHF"),  # accepted currencies the shop has no rates for
    "unknown_status": ("lost_in_space",),
}
DUPLICATE_VERSIONS = ("same", "refunded", "cancelled", "amount")
REFUND_SHARE = 0.005


def generate_demo_shop(
    out_dir: str | Path,
    customers: int = 5000,
    seed: int = 42,
    start: str = "2023-07-01",
    end: str = "2026-06-30",
    fmt: str = "csv",
    dirty_share: float = 0.01,
    progress: Report | None = None,
    progress_every_s: float = 5.0,
) -> dict[str, int]:
    """Write the raw files (FILES) into out_dir and return the rows written per file.

    Same arguments, same bytes. `dirty_share` adds that share of orders as dirty rows, spread
    evenly over DIRTY_KINDS (at least one of each when > 0): an invalid copy of a real order
    right after it (with one defect, so one quarantine reason), or a later version of an order
    appended at the end of the file. Clean rows are never altered, so order_items always add up
    to the first version of an order; only the "amount" duplicate version deliberately differs.
    `progress` receives a line (stages and share done) at most every `progress_every_s` seconds.
    """
    if customers < 1 or seed < 0 or not 0 <= dirty_share < 0.5:
        raise ValueError("need customers >= 1, seed >= 0 and 0 <= dirty_share < 0.5")
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = Progress(progress, progress_every_s)
    report.say(f"{customers:,} customers (seed {seed}) into {out}")
    cal = _Calendar(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    campaigns = _campaigns(cal, np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,))))
    fx = ExchangeRates(
        cal.start, cal.end, CURRENCIES, np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(3,)))
    )
    id_width = max(6, len(str(customers)))
    n_chunks = -(-customers // CHUNK_CUSTOMERS)

    def simulate(k: int) -> tuple[_Chunk, pa.Table]:
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1, k)))
        first = k * CHUNK_CUSTOMERS
        chunk = _simulate_chunk(rng, first, min(CHUNK_CUSTOMERS, customers - first), cal, campaigns, fx)
        return chunk, _customers_table(chunk.customers, cal, id_width)

    counts = {}
    parts = []
    # numpy and arrow release the GIL for the heavy work, so threads share the cores; every
    # chunk has its own generator and results are consumed in order, so the bytes do not change.
    with ThreadPoolExecutor(WORKERS) as pool:
        with _Sink(out / f"customers.{fmt}", _schema("customers"), fmt) as sink:
            report.advance("simulating customers", 0, n_chunks)
            for chunk, table in pool.map(simulate, range(n_chunks)):
                sink.write(table)
                chunk.customers = {}  # written; only the compact per-row arrays are kept
                parts.append(chunk)
                report.advance("simulating customers", len(parts), n_chunks)
            counts["customers"] = sink.rows

        orders = _concat([p.orders for p in parts])
        items = _concat([p.items for p in parts], offsets=("order", [len(p.orders["cust"]) for p in parts]))
        events = _concat([p.events for p in parts])
        comms = _concat([p.comms for p in parts])
        del parts

        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2,)))
        jobs = {
            "web_events": pool.submit(_write_events, out, fmt, events, cal, id_width, report),
            "orders": pool.submit(
                _write_orders, out, fmt, orders, items, cal, campaigns, id_width, dirty_share, rng, report
            ),
        }
        del orders, items, events
        counts["communications"] = _write_comms(out, fmt, comms, cal, campaigns, id_width, report)
        counts["products"] = _write_products(out, fmt)
        counts["exchange_rates"] = _write_table(out, fmt, "exchange_rates", fx.table())
        while not all(job.done() for job in jobs.values()):
            wait(jobs.values(), timeout=0.5)
            report.poll()  # lines from the writer threads go out on this thread
        counts["web_events"] = jobs["web_events"].result()
        counts.update(jobs["orders"].result())
    report.say(f"done: {sum(counts.values()):,} rows in {time.perf_counter() - started:.1f} s")
    return {name: counts[name] for name in FILES}


# --- time ---------------------------------------------------------------------------------------


class _Calendar:
    """Hourly grid over the period with the seasonal clock used to place every event.

    Times are float days since the start inside the simulation and int seconds since the
    start once stored; `epoch_s` turns the latter into Unix seconds for formatting.
    """

    def __init__(self, start: dt.date, end: dt.date):
        if end < start:
            raise ValueError("end is before start")
        self.start, self.end = start, end
        self.days = (end - start).days + 1
        self.epoch_s = int(dt.datetime(start.year, start.month, start.day, tzinfo=dt.UTC).timestamp())
        hours = np.arange(self.days * 24)
        stamp = np.datetime64(start.isoformat(), "h") + hours
        day = stamp.astype("datetime64[D]")
        shop = _hour_profile(hours) * _weekday_profile(day) * self._season(day)
        # Normalised so one unit of warped time is one average shop day.
        self.shop_cum = _cumulative(shop / shop.mean() / 24)
        acq = shop * np.exp(np.log1p(GROWTH_PER_YEAR) / 365 * hours / 24)
        self.acq_cum = _cumulative(acq / acq.mean() / 24)
        self.grid = np.arange(hours.size + 1) / 24
        self.promo = self._promo_by_day()
        self.dst = self._dst_switches()

    def warp(self, t: np.ndarray) -> np.ndarray:
        return np.interp(t, self.grid, self.shop_cum)

    def unwarp(self, w: np.ndarray) -> np.ndarray:
        return np.interp(w, self.shop_cum, self.grid)

    def acquisition_times(self, u: np.ndarray) -> np.ndarray:
        """Map uniforms to sign-up times: a growing, seasonal stream of new customers."""
        return np.interp(u * self.acq_cum[-1], self.acq_cum, self.grid)

    def black_fridays(self) -> list[dt.date]:
        out = []
        for year in range(self.start.year, self.end.year + 1):
            nov1 = dt.date(year, 11, 1)
            thanksgiving = nov1 + dt.timedelta(days=(3 - nov1.weekday()) % 7 + 21)
            out.append(thanksgiving + dt.timedelta(days=1))
        return out

    def day_index(self, date: dt.date) -> int:
        return (date - self.start).days

    def _season(self, day: np.ndarray) -> np.ndarray:
        doy = (day - day.astype("datetime64[Y]")).astype(int)
        month = day.astype("datetime64[M]").astype(int) % 12 + 1
        dom = (day - day.astype("datetime64[M]")).astype(int) + 1
        f = 1 + 0.12 * np.cos(2 * np.pi * (doy - 340) / 365.25)
        f *= np.where(month == 11, 1.15, 1.0)
        f *= np.where((month == 12) & (dom <= 22), 1.35, 1.0)
        f *= np.where((month == 12) & (dom >= 24) & (dom <= 26), 0.5, 1.0)
        f *= np.where((month == 1) & (dom >= 2) & (dom <= 15), 1.15, 1.0)
        f *= np.where((month == 7) & (dom <= 14), 1.15, 1.0)
        for bf in self.black_fridays():
            b = np.datetime64(bf.isoformat(), "D")
            f *= np.where((day >= b - 4) & (day < b), 1.4, 1.0)  # the week before: deals start
            f *= np.where((day >= b) & (day <= b + 3), 3.0, 1.0)  # Friday to Cyber Monday
        return f

    def _promo_by_day(self) -> np.ndarray:
        """0 no promotion, 1 December gift season, 2 Black Friday to Cyber Monday."""
        day = np.datetime64(self.start.isoformat(), "D") + np.arange(self.days)
        month = day.astype("datetime64[M]").astype(int) % 12 + 1
        dom = (day - day.astype("datetime64[M]")).astype(int) + 1
        promo = np.where((month == 12) & (dom <= 20), 1, 0).astype(np.int8)
        for bf in self.black_fridays():
            b = np.datetime64(bf.isoformat(), "D")
            promo[(day >= b) & (day <= b + 3)] = 2
        return promo

    def _dst_switches(self) -> np.ndarray:
        """Unix seconds of the EU summer-time switches (last Sundays of March and October, 01:00 UTC)."""
        out = []
        for year in range(self.start.year - 1, self.end.year + 2):
            for month in (3, 10):
                last = dt.date(year, month, 31)
                sunday = last - dt.timedelta(days=(last.weekday() + 1) % 7)
                out.append(dt.datetime(sunday.year, month, sunday.day, 1, tzinfo=dt.UTC).timestamp())
        return np.array(out, dtype=np.int64)

    def europe_offset_s(self, epoch: np.ndarray) -> np.ndarray:
        summer = np.searchsorted(self.dst, epoch, side="right") % 2 == 1
        return np.where(summer, 7200, 3600)


def _hour_profile(hours: np.ndarray) -> np.ndarray:
    # Central European evening peak; the grid is UTC, so shift by one hour.
    profile = np.array(
        [0.25, 0.15, 0.10, 0.08, 0.08, 0.12, 0.30, 0.55, 0.80, 0.95, 1.00, 1.05,
         1.10, 1.05, 1.00, 1.00, 1.05, 1.15, 1.30, 1.50, 1.60, 1.45, 1.00, 0.55]
    )  # fmt: skip
    return profile[(hours + 1) % 24]


def _weekday_profile(day: np.ndarray) -> np.ndarray:
    weekday = (day.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; 0 is Monday
    return np.array([1.0, 0.98, 0.98, 1.0, 0.95, 0.88, 1.15])[weekday]


def _cumulative(rate_per_hour: np.ndarray) -> np.ndarray:
    return np.concatenate([[0.0], np.cumsum(rate_per_hour)])


@dataclass(frozen=True)
class _Campaign:
    campaign_id: str
    channel: str
    send_day: float
    share: float


def _campaigns(cal: _Calendar, rng: np.random.Generator) -> list[_Campaign]:
    """A monthly e-mail, an SMS every other month and a Black Friday blast on both channels."""
    out = []
    month = dt.date(cal.start.year, cal.start.month, 1)
    while month <= cal.end:
        tag = f"C-{month:%Y-%m}"
        second_tuesday = month + dt.timedelta(days=(1 - month.weekday()) % 7 + 7)
        out.append(_Campaign(f"{tag}-email", "email", cal.day_index(second_tuesday) + 8 / 24, 0))
        if month.month % 2 == 0:
            third_thursday = month + dt.timedelta(days=(3 - month.weekday()) % 7 + 14)
            out.append(_Campaign(f"{tag}-sms", "sms", cal.day_index(third_thursday) + 16 / 24, 0))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    for bf in cal.black_fridays():
        for channel in ("email", "sms"):
            out.append(_Campaign(f"C-{bf:%Y-%m}-{channel}-bf", channel, cal.day_index(bf) + 7 / 24, 0))
    out = [c for c in out if 0 <= c.send_day < cal.days]
    out.sort(key=lambda c: c.send_day)
    shares = rng.uniform(0.35, 0.8, len(out))
    return [
        _Campaign(c.campaign_id, c.channel, c.send_day, float(s)) for c, s in zip(out, shares, strict=True)
    ]


# --- simulation ---------------------------------------------------------------------------------


@dataclass
class _Chunk:
    customers: dict[str, np.ndarray]
    orders: dict[str, np.ndarray]
    items: dict[str, np.ndarray]
    events: dict[str, np.ndarray]
    comms: dict[str, np.ndarray]


def _simulate_chunk(
    rng: np.random.Generator, first: int, n: int, cal: _Calendar, campaigns, fx: ExchangeRates
) -> _Chunk:
    c = _draw_customers(rng, n, cal)
    c["gid"] = np.arange(first, first + n, dtype=np.int32)

    # First order at acquisition, then repeat purchases while alive, uniform on the seasonal clock.
    w0, w1 = cal.warp(c["t0"]), cal.warp(c["alive_until"])
    repeats = np.where(c["buyer"], rng.poisson(c["rate"] * (w1 - w0)), 0)
    rep_cust = np.repeat(np.arange(n), repeats)
    rep_t = cal.unwarp(w0[rep_cust] + rng.random(rep_cust.size) * (w1 - w0)[rep_cust])
    first_cust = np.flatnonzero(c["buyer"])

    comm_cust, comm_camp, comm_t = _send_campaigns(rng, c, campaigns)
    up_cust, up_camp, up_t = _campaign_uplift(rng, c, campaigns, comm_cust, comm_camp, comm_t, cal)

    cust = np.concatenate([first_cust, rep_cust, up_cust])
    t = np.concatenate([c["t0"][first_cust], rep_t, up_t])
    camp = np.concatenate([np.full(first_cust.size + rep_cust.size, -1), up_camp])
    keep = t < cal.days
    cust, t, camp = cust[keep], t[keep], camp[keep]
    orders = _order_attributes(rng, c, cust, t, camp, campaigns)
    items = _basket_items(rng, c, cust, t, cal)
    # prices are set in euros; the customer pays in the order's currency at that day's rate
    rate = fx.rate(orders["currency"], t)
    items["price"] = np.rint(items["price"] / rate[items["order"]]).astype(items["price"].dtype)
    orders["amount"] = np.rint(
        np.bincount(items["order"], weights=items["qty"] * items["price"], minlength=cust.size)
    ).astype(np.int64)
    events = _web_events(rng, c, cust, t, items, cal)

    secs = (t * DAY_S).astype(np.int64)
    orders.update(cust=c["gid"][cust], secs=secs)
    comms = {"cust": c["gid"][comm_cust], "camp": comm_camp, "secs": (comm_t * DAY_S).astype(np.int64)}
    return _Chunk(c, orders, items, events, comms)


def _draw_customers(rng: np.random.Generator, n: int, cal: _Calendar) -> dict[str, np.ndarray]:
    share = np.array([x[1] for x in COUNTRIES])
    country = rng.choice(len(COUNTRIES), n, p=share / share.sum())
    local = np.array([CURRENCIES.index(x[5]) for x in COUNTRIES])[country]
    local_share = np.array([x[6] for x in COUNTRIES])[country]
    currency = np.where(rng.random(n) < local_share, local, 0)

    buyer = rng.random(n) >= NON_BUYERS
    t0 = cal.acquisition_times(rng.random(n))
    # Half sign up at checkout, the others some days before their first order.
    lead = np.where(rng.random(n) < 0.5, rng.uniform(0, 0.01, n), rng.exponential(5.0, n))
    created = np.where(buyer, np.maximum(t0 - lead, 0.0), t0)

    rate = np.minimum(rng.gamma(RATE_SHAPE, RATE_MEAN_PER_YEAR / RATE_SHAPE / 365, n), RATE_CAP)
    dropout = rng.gamma(DROPOUT_SHAPE, DROPOUT_SCALE_PER_YEAR, n) / 365
    lifetime = np.where(rng.random(n) < ONE_AND_DONE, 0.0, rng.exponential(1.0 / dropout))
    alive_until = np.minimum(t0 + lifetime, cal.days)

    affinity = rng.gamma(2.0 * CATEGORY_WEIGHT, size=(n, len(CATEGORIES)))
    affinity = np.cumsum(affinity / affinity.sum(axis=1, keepdims=True), axis=1)

    phone_form = rng.choice(6, n, p=[0.45, 0.20, 0.10, 0.10, 0.05, 0.10])  # 5: no phone
    email_form = rng.choice(6, n, p=[0.72, 0.05, 0.10, 0.08, 0.04, 0.01])  # 5: no e-mail
    email_opt = (rng.random(n) < 0.6) & (email_form != 5)
    sms_opt = (rng.random(n) < 0.4) & (phone_form != 5)
    return {
        "country": country.astype(np.int8),
        "currency": currency.astype(np.int8),
        "buyer": buyer,
        "t0": t0,
        "created": created,
        "rate": rate,
        "alive_until": alive_until,
        "affinity": affinity,
        "channel": rng.choice(len(CHANNEL_WEIGHT), n, p=CHANNEL_WEIGHT).astype(np.int8),
        "phone_form": phone_form.astype(np.int8),
        "phone_nsn": rng.random(n),
        "email_form": email_form.astype(np.int8),
        "email_domain": rng.choice(3, n, p=[0.7, 0.2, 0.1]).astype(np.int8),
        "email_opt": email_opt,
        "sms_opt": sms_opt,
    }


def _send_campaigns(rng, c, campaigns):
    """Each campaign goes to a random share of the customers opted in and signed up by then."""
    custs, camps, times = [], [], []
    for i, camp in enumerate(campaigns):
        opted = c["email_opt"] if camp.channel == "email" else c["sms_opt"]
        hit = np.flatnonzero(opted & (c["created"] < camp.send_day) & (rng.random(opted.size) < camp.share))
        custs.append(hit)
        camps.append(np.full(hit.size, i, dtype=np.int16))
        times.append(camp.send_day + rng.uniform(0, 3 / 24, hit.size))  # sent in batches
    if not campaigns:
        return np.zeros(0, np.int64), np.zeros(0, np.int16), np.zeros(0)
    return np.concatenate(custs), np.concatenate(camps), np.concatenate(times)


def _campaign_uplift(rng, c, campaigns, comm_cust, comm_camp, comm_t, cal):
    """Extra orders caused by a message: a share of the customer's own rate, for one week."""
    mult = np.array([UPLIFT[camp.channel] for camp in campaigns] or [0.0])[comm_camp]
    alive = c["buyer"][comm_cust] & (comm_t < c["alive_until"][comm_cust])
    mean = np.where(alive, c["rate"][comm_cust] * mult * UPLIFT_DAYS, 0.0) + REACTIVATION
    k = rng.poisson(mean)
    src = np.repeat(np.arange(comm_cust.size), k)
    t = comm_t[src] + UPLIFT_DAYS * rng.beta(1.0, 2.5, src.size)  # most within the first days
    return comm_cust[src], comm_camp[src], t


def _order_attributes(rng, c, cust, t, camp, campaigns) -> dict[str, np.ndarray]:
    n = cust.size
    any_channel = rng.choice(len(CHANNEL_WEIGHT), n, p=CHANNEL_WEIGHT)
    channel = np.where(rng.random(n) < 0.65, c["channel"][cust], any_channel)
    attributed = (camp >= 0) & (rng.random(n) < ATTRIBUTED)
    camp_channel = np.array([CHANNELS.index(x.channel) for x in campaigns] or [0])
    channel = np.where(attributed, camp_channel[np.maximum(camp, 0)], channel)
    channel = np.where(rng.random(n) < 0.02, CHANNELS.index(""), channel)
    u = rng.random(n)
    status = np.select([u < 0.03, u < 0.05, u < 0.06], [1, 2, 3], 0)  # 3: empty, read as completed
    currency = c["currency"][cust]
    currency = np.where((currency == 0) & (rng.random(n) < 0.02), CURRENCIES.index(""), currency)
    return {
        "status": status.astype(np.int8),
        "channel": channel.astype(np.int8),
        "camp": np.where(attributed, camp, -1).astype(np.int16),
        "currency": currency.astype(np.int8),
        "form": rng.choice(3, n, p=[0.15, 0.55, 0.30]).astype(np.int8),
    }


def _products_for(rng, affinity_cum: np.ndarray, cust: np.ndarray) -> np.ndarray:
    """Draw products: a category from the customer's affinity, then by popularity inside it."""
    cat = (rng.random(cust.size)[:, None] > affinity_cum[cust]).sum(axis=1)
    cat = np.minimum(cat, len(CATEGORIES) - 1)  # float round-off at the top of the cumsum
    product = np.empty(cust.size, dtype=np.int8)
    for k, name in enumerate(CATEGORIES):
        ids = np.array([i for i, p in enumerate(CATALOG) if p[1] == name])
        weight = np.array([CATALOG[i][3] for i in ids])
        sel = np.flatnonzero(cat == k)
        product[sel] = rng.choice(ids, sel.size, p=weight / weight.sum())
    return product


def _basket_items(rng, c, cust, t, cal) -> dict[str, np.ndarray]:
    size = rng.choice(len(BASKET_P), cust.size, p=BASKET_P) + 1
    order = np.repeat(np.arange(cust.size), size)
    product = _products_for(rng, c["affinity"], cust[order])
    qty = rng.choice(len(QUANTITY_P), order.size, p=QUANTITY_P) + 1
    promo = cal.promo[np.minimum(t.astype(np.int64), cal.days - 1)][order]
    u = rng.random(order.size)
    pct = np.select([(promo == 2) & (u < 0.6), (promo == 1) & (u < 0.3), u < 0.08], [25, 10, 15], 0)
    list_price = np.array([p[2] for p in CATALOG])[product]
    price = (list_price * (100 - pct) + 50) // 100

    # The same product twice in one basket becomes one line with the quantities added up.
    key = order.astype(np.int64) * len(CATALOG) + product
    idx = _stable_order(key)
    key, qty, price = key[idx], qty[idx], price[idx]
    head = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    return {
        "order": (key[head] // len(CATALOG)).astype(np.int64),
        "product": (key[head] % len(CATALOG)).astype(np.int8),
        "qty": np.add.reduceat(qty, head).astype(np.int16),
        "price": price[head].astype(np.int32),
    }


def _web_events(rng, c, cust, t, items, cal) -> dict[str, np.ndarray]:
    """Views, add-to-carts and a checkout before every order, plus browsing that buys nothing."""
    n = cust.size
    first_item = np.searchsorted(items["order"], np.arange(n))
    main_product = items["product"][first_item]
    checkout_t = t - rng.uniform(0.5, 3, n) / 1440
    cart_t = t[items["order"]] - rng.uniform(4, 120, items["order"].size) / 1440
    views = 1 + rng.poisson(0.4, n)
    v_order = np.repeat(np.arange(n), views)
    view_t = t[v_order] - (2 / 24 + rng.exponential(1.0, v_order.size))
    other = _products_for(rng, c["affinity"], cust[v_order])
    view_p = np.where(rng.random(v_order.size) < 0.6, main_product[v_order], other)

    # Browsing sessions while the customer is around, a few views and sometimes an abandoned cart.
    per_cust = np.bincount(cust, minlength=c["t0"].size)
    sessions = rng.poisson(0.15 * per_cust + 0.5)
    s_cust = np.repeat(np.arange(per_cust.size), sessions)
    lo = c["created"][s_cust]
    hi = np.minimum(np.where(c["buyer"][s_cust], c["alive_until"][s_cust] + 30, lo + 120), cal.days)
    s_t = cal.unwarp(cal.warp(lo) + rng.random(s_cust.size) * (cal.warp(hi) - cal.warp(lo)))
    s_views = 1 + rng.poisson(0.8, s_cust.size)
    b_sess = np.repeat(np.arange(s_cust.size), s_views)
    step = np.arange(b_sess.size) - np.repeat(np.cumsum(s_views) - s_views, s_views)
    b_t = s_t[b_sess] + step * rng.uniform(0.5, 4, b_sess.size) / 1440
    b_p = _products_for(rng, c["affinity"], s_cust[b_sess])
    last = np.cumsum(s_views) - 1
    abandon = last[rng.random(s_cust.size) < 0.2]

    ev_cust = np.concatenate(
        [cust, cust[items["order"]], cust[v_order], s_cust[b_sess], s_cust[b_sess[abandon]]]
    )
    ev_t = np.concatenate([checkout_t, cart_t, view_t, b_t, b_t[abandon] + 1 / 1440])
    ev_type = np.concatenate(
        [np.full(n, 2), np.full(cart_t.size, 1), np.zeros(view_t.size + b_t.size), np.ones(abandon.size)]
    )
    ev_p = np.concatenate([main_product, items["product"], view_p, b_p, b_p[abandon]])
    keep = (ev_t >= 0) & (ev_t < cal.days)
    return {
        "cust": c["gid"][ev_cust[keep]],
        "secs": (ev_t[keep] * DAY_S).astype(np.int64),
        "type": ev_type[keep].astype(np.int8),
        "product": ev_p[keep].astype(np.int8),
    }


def _stable_order(keys: np.ndarray) -> np.ndarray:
    """np.argsort(keys, kind="stable"), several times faster for non-negative integer keys.

    The row number goes into the low bits, so all packed keys differ and a plain (SIMD) sort
    gives one well-defined result on every machine.
    """
    keys = np.asarray(keys, dtype=np.int64)
    shift = max(1, (keys.size - 1).bit_length())
    if keys.size == 0 or keys.min() < 0 or int(keys.max()) >= 1 << (62 - shift):
        return np.argsort(keys, kind="stable")
    packed = (keys << shift) | np.arange(keys.size, dtype=np.int64)
    packed.sort()
    return packed & ((1 << shift) - 1)


def _concat(parts: list[dict[str, np.ndarray]], offsets=None) -> dict[str, np.ndarray]:
    """Join chunk arrays; `offsets` shifts one column by the running row count of another table."""
    out = {}
    for key in parts[0]:
        arrays = [p[key] for p in parts]
        if offsets and key == offsets[0]:
            starts = np.concatenate([[0], np.cumsum(offsets[1])[:-1]])
            arrays = [a + s for a, s in zip(arrays, starts, strict=True)]
        out[key] = np.concatenate(arrays)
    return out


# --- orders: sort, number, refund, dirty ---------------------------------------------------------


def _write_orders(out, fmt, o, items, cal, campaigns, id_width, dirty_share, rng, report) -> dict[str, int]:
    n = o["cust"].size
    report.advance("preparing orders", 0, 1)
    # Refund transactions: the first line of a completed order is sent back days later.
    completed = np.flatnonzero(np.isin(o["status"], (0, 3)))
    picked = rng.permutation(completed)
    n_refund = min(round(REFUND_SHARE * n), picked.size)
    refund_of, dirty_src = picked[:n_refund], picked[n_refund:]
    first_item = np.searchsorted(items["order"], refund_of)
    line = items["qty"][first_item].astype(np.int64) * items["price"][first_item]
    r_secs = o["secs"][refund_of] + rng.integers(2 * DAY_S, 30 * DAY_S, n_refund)
    ok = r_secs < cal.days * DAY_S
    refund_of, r_secs, line = refund_of[ok], r_secs[ok], line[ok]

    base = {k: np.concatenate([v, v[refund_of]]) for k, v in o.items()}
    base["secs"][n:] = r_secs
    base["amount"][n:] = -line
    base["status"][n:] = 0
    base["camp"][n:] = -1
    base["form"][n:] = rng.choice(3, refund_of.size, p=[0.15, 0.55, 0.30])
    is_refund = np.arange(n + refund_of.size) >= n
    origin = np.concatenate([np.arange(n), refund_of])  # refunds are numbered after their order

    order_sort = _stable_order(base["secs"])
    number = np.empty(n + refund_of.size, dtype=np.int64)
    number[order_sort] = np.cumsum(~is_refund[order_sort])
    number = number[origin]
    base["number"] = number
    base["width"] = width = max(8, len(str(n)))  # O00000001
    base["refund"] = is_refund

    rows, kind, variant = _dirty_rows(rng, base, order_sort, dirty_src, dirty_share, cal.epoch_s)
    report.advance("preparing orders", 1, 1)
    counts = {"orders": 0, "order_items": 0}
    camp_ids = _text([x.campaign_id for x in campaigns] + [""])
    with _Sink(out / f"orders.{fmt}", _schema("orders"), fmt) as sink:
        for lo in range(0, rows.size, SLICE_ROWS):
            sl = slice(lo, lo + SLICE_ROWS)
            sink.write(_orders_table(base, rows[sl], kind[sl], variant[sl], cal, camp_ids, id_width))
            report.advance("writing orders", sink.rows, rows.size)
        counts["orders"] = sink.rows

    item_sort = _stable_order(number[items["order"]])
    with _Sink(out / f"order_items.{fmt}", _schema("order_items"), fmt) as sink:
        for lo in range(0, item_sort.size, SLICE_ROWS):
            idx = item_sort[lo : lo + SLICE_ROWS]
            sink.write(
                pa.table(
                    {
                        "order_id": _order_ids(number[items["order"][idx]], np.zeros(idx.size, bool), width),
                        "product_id": _product_ids(items["product"][idx]),
                        "quantity": pa.array(items["qty"][idx].astype(np.int32)),
                        "unit_price": _decimal(items["price"][idx]),
                    },
                    schema=_schema("order_items"),
                )
            )
            report.advance("writing order items", sink.rows, item_sort.size)
        counts["order_items"] = sink.rows
    return counts


def _dirty_rows(rng, base, order_sort, dirty_src, dirty_share, epoch_s):
    """Final row order: clean rows by time, each invalid copy right after its original row,
    duplicate versions appended at the end. Returns (row -> base index, kind code, variant)."""
    n_clean = int((~base["refund"]).sum())
    n_dirty = round(dirty_share * n_clean)
    if dirty_share > 0:
        n_dirty = max(n_dirty, len(DIRTY_KINDS))
    # 2099 keeps month and day, so 29 February would be unparseable rather than in the future
    # (28 February too: its local time may already be the 29th).
    day = ((epoch_s + base["secs"][dirty_src]) // DAY_S).astype("datetime64[D]")
    dom = (day - day.astype("datetime64[M]")).astype(int) + 1
    feb = day.astype("datetime64[M]").astype(int) % 12 == 1
    dirty_src = dirty_src[~(feb & (dom >= 28))]
    n_dirty = min(n_dirty, dirty_src.size)
    src = dirty_src[:n_dirty]  # already a random permutation
    kinds = (np.arange(n_dirty) % len(DIRTY_KINDS) + 1).astype(np.int8)  # 0 is a clean row
    variant = rng.integers(0, 4, n_dirty).astype(np.int8)

    dup = kinds == len(DIRTY_KINDS)
    invalid_src, invalid_kind, invalid_var = src[~dup], kinds[~dup], variant[~dup]
    total = base["secs"].size
    order_pos = np.empty(total, dtype=np.int64)
    order_pos[order_sort] = np.arange(total)
    # Stable sort on (position of the original, copy after original).
    pos = np.concatenate([np.arange(total) * 2, order_pos[invalid_src] * 2 + 1])
    rows = np.concatenate([order_sort, invalid_src])
    kind = np.concatenate([np.zeros(total, np.int8), invalid_kind])
    var = np.concatenate([np.zeros(total, np.int8), invalid_var])
    s = _stable_order(pos)
    rows, kind, var = rows[s], kind[s], var[s]

    shuffle = rng.permutation(int(dup.sum()))
    return (
        np.concatenate([rows, src[dup][shuffle]]),
        np.concatenate([kind, kinds[dup][shuffle]]),
        np.concatenate([var, variant[dup][shuffle]]),
    )


def _orders_table(base, rows, kind, variant, cal, camp_ids, id_width) -> pa.Table:
    status = base["status"][rows].copy()
    amount = base["amount"][rows].copy()
    dup = kind == len(DIRTY_KINDS)
    version = np.where(dup, variant, -1)  # index into DUPLICATE_VERSIONS; "same" is a re-export
    status[version == DUPLICATE_VERSIONS.index("refunded")] = STATUSES.index("refunded")
    status[version == DUPLICATE_VERSIONS.index("cancelled")] = STATUSES.index("cancelled")
    changed = version == DUPLICATE_VERSIONS.index("amount")  # a voucher applied after the first export
    amount[changed] = np.where(amount[changed] > 1500, amount[changed] - 500, amount[changed] * 9 // 10)

    secs, camp = base["secs"][rows], base["camp"][rows]
    cols = {
        "order_id": _order_ids(base["number"][rows], base["refund"][rows], base["width"]),
        "customer_id": _customer_ids(base["cust"][rows], id_width),
        "ordered_at": _timestamps(cal, secs, base["form"][rows]),
        "amount": _money(amount),
        "status": _text(STATUSES).take(pa.array(status)),
        "currency": _text(CURRENCIES).take(pa.array(base["currency"][rows])),
        "channel": _text(CHANNELS).take(pa.array(base["channel"][rows])),
        "campaign_id": camp_ids.take(pa.array(np.where(camp < 0, len(camp_ids) - 1, camp))),
    }

    fixes = {}  # column -> [(rows, new values)], applied with one take per column

    def put(col, name, values):
        rows = np.flatnonzero(kind == DIRTY_KINDS.index(name) + 1)
        if rows.size:
            if callable(values):
                new = values(cols[col].take(pa.array(rows)))
            else:
                new = _text(values).take(pa.array(variant[rows] % len(values)))
            fixes.setdefault(col, []).append((rows, new))

    def future(old):
        return pc.binary_join_element_wise("2099", pc.utf8_slice_codeunits(old, 4), "")

    put("order_id", "missing_order_id", [""])
    put("customer_id", "missing_customer_id", [""])
    put("ordered_at", "missing_timestamp", [""])
    put("ordered_at", "unparseable_timestamp", DIRTY_VALUES["unparseable_timestamp"])
    put("ordered_at", "future_timestamp", future)
    put("amount", "missing_amount", [""])
    put("amount", "non_numeric_amount", DIRTY_VALUES["non_numeric_amount"])
    put("currency", "unknown_currency", DIRTY_VALUES["unknown_currency"])
    put("currency", "missing_exchange_rate", DIRTY_VALUES["missing_exchange_rate"])
    put("status", "unknown_status", DIRTY_VALUES["unknown_status"])
    for col, changes in fixes.items():
        rows = np.concatenate([r for r, _ in changes])
        new = pa.concat_arrays([v.cast(pa.string()) for _, v in changes])
        cols[col] = _replace_rows(cols[col], rows, new)
    return pa.table(cols, schema=_schema("orders"))


# --- the other files ----------------------------------------------------------------------------


def _write_table(out, fmt, name, table) -> int:
    with _Sink(out / f"{name}.{fmt}", _schema(name), fmt) as sink:
        sink.write(table.cast(_schema(name)))
        return sink.rows


def _write_products(out, fmt) -> int:
    products = {
        "product_id": _product_ids(np.arange(len(CATALOG))),
        "name": pa.array([p[0] for p in CATALOG]),
        "category": pa.array([p[1] for p in CATALOG]),
        "price": _decimal(np.array([p[2] for p in CATALOG])),
    }
    return _write_table(out, fmt, "products", pa.table(products))


def _write_events(out, fmt, ev, cal, id_width, report) -> int:
    order = _stable_order(ev["secs"])
    types = pa.array(EVENT_TYPES)
    with _Sink(out / f"web_events.{fmt}", _schema("web_events"), fmt) as sink:
        for lo in range(0, order.size, SLICE_ROWS):
            idx = order[lo : lo + SLICE_ROWS]
            sink.write(
                pa.table(
                    {
                        "customer_id": _customer_ids(ev["cust"][idx], id_width),
                        "event_at": _timestamps(cal, ev["secs"][idx], 1),
                        "event_type": types.take(pa.array(ev["type"][idx])),
                        "product_id": _product_ids(ev["product"][idx]),
                    },
                    schema=_schema("web_events"),
                )
            )
            report.advance("writing web events", sink.rows, order.size)
        return sink.rows


def _write_comms(out, fmt, cm, cal, campaigns, id_width, report) -> int:
    order = _stable_order(cm["secs"])
    camp_ids = pa.array([x.campaign_id for x in campaigns], pa.string())
    camp_channel = pa.array([x.channel for x in campaigns], pa.string())
    with _Sink(out / f"communications.{fmt}", _schema("communications"), fmt) as sink:
        for lo in range(0, order.size, SLICE_ROWS):
            idx = order[lo : lo + SLICE_ROWS]
            camp = pa.array(cm["camp"][idx])
            sink.write(
                pa.table(
                    {
                        "customer_id": _customer_ids(cm["cust"][idx], id_width),
                        "channel": camp_channel.take(camp),
                        "campaign_id": camp_ids.take(camp),
                        "sent_at": _timestamps(cal, cm["secs"][idx], 1),
                    },
                    schema=_schema("communications"),
                )
            )
            report.advance("writing communications", sink.rows, order.size)
        return sink.rows


def _customers_table(c, cal, id_width) -> pa.Table:
    n = c["gid"].size
    ids = _customer_ids(c["gid"], id_width)
    domain = pa.array(["example.com", "example.org", "example.net"]).take(pa.array(c["email_domain"]))
    email = pc.binary_join_element_wise(pc.utf8_lower(ids), domain, "@")
    blank = pa.nulls(n, pa.string())
    email = pc.choose(
        pa.array(c["email_form"]),
        email,
        pc.utf8_upper(email),
        pc.utf8_capitalize(email),
        pc.binary_join_element_wise(" ", email, ""),
        pc.binary_join_element_wise(email, "  ", ""),
        blank,
    )
    country = pa.array([x[0] for x in COUNTRIES]).take(pa.array(c["country"]))
    code = pa.array([x[2] for x in COUNTRIES]).take(pa.array(c["country"]))
    prefix = np.array([x[3] for x in COUNTRIES])[c["country"]]
    digits = np.array([x[4] for x in COUNTRIES])[c["country"]]
    scale = 10 ** (digits - np.where(prefix >= 10, 2, 1)).astype(np.int64)
    nsn = pc.cast(pa.array(prefix * scale + (c["phone_nsn"] * scale).astype(np.int64)), pa.string())
    head, mid, tail = (pc.utf8_slice_codeunits(nsn, a, b) for a, b in ((0, 3), (3, 6), (6, 20)))
    plus = pc.binary_join_element_wise("+", code, "")
    phone = pc.choose(
        pa.array(c["phone_form"]),
        pc.binary_join_element_wise(plus, nsn, ""),  # +4915123456789
        pc.binary_join_element_wise(plus, head, pc.binary_join_element_wise(mid, tail, ""), " "),
        pc.binary_join_element_wise("00", code, pc.binary_join_element_wise(" ", nsn, ""), ""),
        pc.binary_join_element_wise("0", nsn, ""),  # national format, no country code
        pc.binary_join_element_wise(plus, head, mid, tail, "-"),
        blank,
    )
    flag = pa.array(["false", "true"])
    return pa.table(
        {
            "customer_id": ids,
            "email": email,
            "phone": phone,
            "created_at": _timestamps(cal, (c["created"] * DAY_S).astype(np.int64), 1),
            "country": country,
            "email_opt_in": flag.take(pa.array(c["email_opt"].astype(np.int8))),
            "sms_opt_in": flag.take(pa.array(c["sms_opt"].astype(np.int8))),
        },
        schema=_schema("customers"),
    )


# --- formatting ---------------------------------------------------------------------------------


def _text(values) -> pa.Array:
    # An empty value is written as null: an empty unquoted CSV field, a null in Parquet.
    return pa.array([v or None for v in values], pa.string())


def _schema(name: str) -> pa.Schema:
    types = {"quantity": pa.int32(), "unit_price": pa.decimal128(10, 2), "price": pa.decimal128(10, 2)}
    return pa.schema([(col, types.get(col, pa.string())) for col in COLUMNS[name]])


def _customer_ids(gid: np.ndarray, width: int) -> pa.Array:
    return _fixed_width([b"C", _digits(gid + 1, width)])


def _order_ids(number: np.ndarray, refund: np.ndarray, width: int) -> pa.Array:
    ids = _fixed_width([b"O", _digits(number, width)])
    rows = np.flatnonzero(refund)
    if rows.size:
        ids = _replace_rows(ids, rows, pc.binary_join_element_wise("R-", ids.take(pa.array(rows)), ""))
    return ids


def _replace_rows(arr: pa.Array, rows: np.ndarray, new: pa.Array) -> pa.Array:
    """arr with arr[rows] = new; one take instead of a full pass per kind of change."""
    idx = np.arange(len(arr))
    idx[rows] = len(arr) + np.arange(rows.size)
    return pa.concat_arrays([arr, new.cast(arr.type)]).take(pa.array(idx))


def _product_ids(product: np.ndarray) -> pa.Array:
    return pa.array([f"P{i + 1:03d}" for i in range(len(CATALOG))]).take(pa.array(product))


def _money(cents: np.ndarray) -> pa.Array:
    """Cents as text with two decimals: 1999 -> '19.99', -500 -> '-5.00'."""
    cents = np.asarray(cents, dtype=np.int64)
    whole, frac = np.abs(cents) // 100, np.abs(cents) % 100
    width = np.ones(cents.size, dtype=np.int64)  # digits of the whole part
    for power in range(1, 12):
        width += whole >= 10**power
    buf = _fixed_bytes([b"-", _digits(whole, 12), b".", _digits(frac, 2)])
    keep = np.ones(buf.shape, dtype=bool)
    keep[:, 0] = cents < 0
    keep[:, 1:13] = np.arange(12, 0, -1) <= width[:, None]
    length = keep.sum(axis=1)
    offsets = np.concatenate([[0], np.cumsum(length)]).astype(np.int32)
    return pa.StringArray.from_buffers(cents.size, pa.py_buffer(offsets), pa.py_buffer(buf[keep]))


def _decimal(cents: np.ndarray) -> pa.Array:
    # decimal128 is a little-endian 16-byte integer of the scaled value.
    raw = np.zeros((cents.size, 2), dtype=np.int64)
    raw[:, 0] = cents
    raw[:, 1] = np.where(cents < 0, -1, 0)
    return pa.Array.from_buffers(pa.decimal128(10, 2), cents.size, [None, pa.py_buffer(raw)])


def _timestamps(cal: _Calendar, secs: np.ndarray, form) -> pa.Array:
    """ISO text from lookup tables (pyarrow strftime is ~20x slower).

    form 0: '2024-03-01', 1: '2024-03-01 14:02:00' (UTC), 2: '2024-03-01T16:02:00+02:00'
    (Central European local time with its offset); one form for all rows or one per row.
    """
    epoch = cal.epoch_s + np.asarray(secs, dtype=np.int64)
    if np.ndim(form) == 0:
        return _fixed_width([_timestamp_bytes(cal, epoch, int(form))])
    # One fixed-width array per form, then put the rows back in their places.
    parts, where = [], []
    for f in range(3):
        rows = np.flatnonzero(form == f)
        parts.append(_fixed_width([_timestamp_bytes(cal, epoch[rows], f)]))
        where.append(rows)
    position = np.empty(epoch.size, dtype=np.int64)
    position[np.concatenate(where)] = np.arange(epoch.size)
    return pa.concat_arrays(parts).take(pa.array(position))


# The 25 bytes of '2024-03-01T16:02:00+02:00'; shorter forms keep a prefix.
_STAMP = np.dtype(
    {
        "names": ["date", "sep", "clock", "zone"],
        "formats": ["S10", "u1", "S8", "S6"],
        "offsets": [0, 10, 11, 19],
    }
)


def _timestamp_bytes(cal: _Calendar, epoch: np.ndarray, form: int) -> np.ndarray:
    out = np.empty(epoch.size, dtype=_STAMP)
    offset = cal.europe_offset_s(epoch) if form == 2 else 0
    local = epoch + offset
    day = local // DAY_S
    if epoch.size:
        first = day.min()
        out["date"] = np.arange(first, day.max() + 1).astype("datetime64[D]").astype("S10")[day - first]
    out["sep"] = ord("T") if form == 2 else ord(" ")
    out["clock"] = _clock_table()[local - day * DAY_S]
    out["zone"] = np.where(offset == 7200, b"+02:00", b"+01:00")
    return out.view(np.uint8).reshape(-1, 25)[:, : (10, 19, 25)[form]]


@cache
def _clock_table() -> np.ndarray:
    """'HH:MM:SS' for every second of the day."""
    sod = np.arange(DAY_S)
    hh, mm, ss = _digits(sod // 3600, 2), _digits(sod // 60 % 60, 2), _digits(sod % 60, 2)
    return np.ascontiguousarray(_fixed_bytes([hh, b":", mm, b":", ss])).view("S8").ravel()


# "00".."99" as two bytes each, read as one uint16 so a lookup moves two digits at once.
_PAIRS = np.array([[48 + i // 10, 48 + i % 10] for i in range(100)], dtype=np.uint8).view(np.uint16).ravel()


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits as an (n, width) byte matrix; digits beyond width are cut."""
    values = np.asarray(values, dtype=np.int64)
    pairs = np.empty((values.size, width // 2), dtype=np.uint16)
    for j in range(width // 2 - 1, -1, -1):
        pairs[:, j] = _PAIRS[values % 100]
        values = values // 100
    if width % 2 == 0:
        return pairs.view(np.uint8)
    out = np.empty((values.size, width), dtype=np.uint8)
    out[:, 0] = 48 + values % 10
    out[:, 1:] = pairs.view(np.uint8)
    return out


def _fixed_bytes(parts: list) -> np.ndarray:
    """Glue byte constants and (n, k) byte matrices side by side."""
    n = next(p.shape[0] for p in parts if isinstance(p, np.ndarray))
    widths = [len(p) if isinstance(p, bytes) else p.shape[1] for p in parts]
    out = np.empty((n, sum(widths)), dtype=np.uint8)
    col = 0
    for part, width in zip(parts, widths, strict=True):
        out[:, col : col + width] = np.frombuffer(part, np.uint8) if isinstance(part, bytes) else part
        col += width
    return out


def _fixed_width(parts: list) -> pa.Array:
    """A string array whose values all have the same byte length, without per-value work."""
    buf = _fixed_bytes(parts)
    n, width = buf.shape
    offsets = np.arange(n + 1, dtype=np.int32) * width
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(buf)))


class _Sink:
    """Appends tables to one CSV or Parquet file; counts the rows."""

    def __init__(self, path: Path, schema: pa.Schema, fmt: str):
        self.rows = 0
        if fmt == "csv":
            self._writer = pcsv.CSVWriter(str(path), schema)
        else:
            self._writer = pq.ParquetWriter(str(path), schema, compression="zstd")

    def write(self, table: pa.Table) -> None:
        self._writer.write_table(table)
        self.rows += table.num_rows

    def __enter__(self) -> _Sink:
        return self

    def __exit__(self, *exc) -> None:
        self._writer.close()
