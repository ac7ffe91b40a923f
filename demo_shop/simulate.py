"""The purchase process: customers, their orders, baskets, web events and messages, as compact arrays.

Every customer has a Gamma distributed purchase rate and an exponential lifetime whose drop-out rate is
itself Gamma distributed, plus a share that never comes back after the first order (Pareto/NBD). Purchases
are uniform on the seasonal clock (demo_shop/clock.py), and a received message raises the rate for a week.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from demo_shop.catalog import (
    CATALOG,
    CATEGORIES,
    CATEGORY_WEIGHT,
    CHANNEL_WEIGHT,
    CHANNELS,
    COUNTRIES,
    CURRENCIES,
)
from demo_shop.clock import DAY_S, Calendar
from demo_shop.exchange_rates import ExchangeRates

# Customer model (rates per day on the seasonal clock); tuned for ~10 orders per customer over
# three years with about half of the buyers never coming back.
RATE_SHAPE, RATE_MEAN_PER_YEAR, RATE_CAP = 0.5, 15.0, 0.4
DROPOUT_SHAPE, DROPOUT_SCALE_PER_YEAR = 0.8, 1.2
ONE_AND_DONE = 0.27
NON_BUYERS = 0.06
BASKET_P = np.array([0.48, 0.26, 0.14, 0.08, 0.04])
QUANTITY_P = np.array([0.86, 0.11, 0.03])
UPLIFT_DAYS = 7.0
UPLIFT = {"email": 0.35, "sms": 0.5}  # extra purchase rate, as a share of the customer's own rate
REACTIVATION = 0.01  # chance a message brings back a lapsed or never-buying customer
ATTRIBUTED = 0.6
REFUND_SHARE = 0.005


@dataclass
class Chunk:
    customers: dict[str, np.ndarray]
    orders: dict[str, np.ndarray]
    items: dict[str, np.ndarray]
    events: dict[str, np.ndarray]
    comms: dict[str, np.ndarray]


def simulate_chunk(
    rng: np.random.Generator, first: int, n: int, cal: Calendar, campaigns, fx: ExchangeRates
) -> Chunk:
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
    return Chunk(c, orders, items, events, comms)


def _draw_customers(rng: np.random.Generator, n: int, cal: Calendar) -> dict[str, np.ndarray]:
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
    idx = stable_order(key)
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


def stable_order(keys: np.ndarray) -> np.ndarray:
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


def concat(parts: list[dict[str, np.ndarray]], offsets=None) -> dict[str, np.ndarray]:
    """Join chunk arrays; `offsets` shifts one column by the running row count of another table."""
    out = {}
    for key in parts[0]:
        arrays = [p[key] for p in parts]
        if offsets and key == offsets[0]:
            starts = np.concatenate([[0], np.cumsum(offsets[1])[:-1]])
            arrays = [a + s for a, s in zip(arrays, starts, strict=True)]
        out[key] = np.concatenate(arrays)
    return out


def number_orders(o, items, cal: Calendar, rng: np.random.Generator):
    """Add refund transactions and number every order by time.

    Returns the order arrays with refunds appended (plus `number`, `width`, `refund`), the row order by
    time, and the completed orders left over for dirty copies (a random permutation).
    """
    n = o["cust"].size
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

    order_sort = stable_order(base["secs"])
    number = np.empty(n + refund_of.size, dtype=np.int64)
    number[order_sort] = np.cumsum(~is_refund[order_sort])
    number = number[origin]
    base["number"] = number
    base["width"] = max(8, len(str(n)))  # O00000001
    base["refund"] = is_refund
    return base, order_sort, dirty_src
