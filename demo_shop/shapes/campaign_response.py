"""The `campaign_response` shape: e-mail campaigns every four weeks, answered by the same people."""

from __future__ import annotations

import datetime as dt

import numpy as np

from demo_shop.shapes.clock import DAY, history, shop_hours
from demo_shop.shapes.draws import (
    gamma_rates,
    lifetime_ends,
    moments,
    order_cents,
    poisson_orders,
    typical_spend,
)
from demo_shop.shapes.shop import CHANNELS, Shop

HISTORY_DAYS = 540
EVERY_DAYS = 28  # a campaign about every four weeks (± 4 days)
WINDOW_DAYS = 7  # an order attributed to a campaign falls within a week of its launch
DELAY_DAYS = 1.5  # mean delay of a response after the launch (truncated to the window)
RESPONDER_SHARE = 0.25
RESPOND = (0.45, 0.02)  # chance to answer a campaign: responders, everyone else
ORGANIC, DIRECT, EMAIL = (CHANNELS.index(c) for c in ("organic", "direct", "email"))


def campaign_response(customers: int, seed: int, end: dt.date) -> Shop:
    """E-mail campaigns every ~28 days; a quarter of the customers answer 45 % of them within a week.

    Signal: responsiveness is a trait. Responders (25 %) answer a campaign with a 45 % chance and the
    others with 2 %, so campaign orders cluster on the same customers and in the first days after each
    launch (campaign_id and channel 'email' on those orders; other orders are 'organic' or 'direct'
    at about two a year). A recency × frequency rule counts orders alike: between campaigns a responder
    looks like any occasional buyer, yet will very likely buy within the next campaign's week. The
    share of a customer's orders from campaigns (channel mix) shows it; the rule cannot.
    """
    rng = np.random.default_rng(seed)
    start, stop = history(end, HISTORY_DAYS)
    launches = _launches(rng, start, stop)
    first = moments(rng, customers, start, start + int(0.8 * HISTORY_DAYS) * DAY)
    ends = lifetime_ends(rng, first, 600.0, stop)
    own_customer, own_at = poisson_orders(rng, first, gamma_rates(rng, customers, 2.0, 1.5), ends, 30)
    own_at = shop_hours(rng, own_at)
    responder = rng.random(customers) < RESPONDER_SHARE
    chance = np.where(responder, *RESPOND)
    answers = (
        (rng.random((customers, len(launches))) < chance[:, None])
        & (launches[None, :] > first[:, None])
        & (launches[None, :] <= ends[:, None])
    )
    answer_customer, campaign = np.nonzero(answers)
    window = WINDOW_DAYS * DAY
    # exponential delay truncated to the window (inverse CDF), so answers bunch after the launch
    tail = 1.0 - np.exp(-WINDOW_DAYS / DELAY_DAYS)
    delay = -DELAY_DAYS * DAY * np.log(1.0 - rng.random(len(campaign)) * tail)
    answer_at = np.minimum(launches[campaign] + np.minimum(delay, window - 1).astype(np.int64), stop)
    customer = np.concatenate([own_customer, answer_customer])
    at = np.concatenate([own_at, answer_at])
    campaigns = np.concatenate([np.full(len(own_customer), -1), campaign])
    channel = np.concatenate(
        [
            np.where(rng.random(len(own_customer)) < 0.6, ORGANIC, DIRECT),
            np.full(len(campaign), EMAIL),
        ]
    )
    cents = order_cents(rng, typical_spend(rng, customers, 45.0)[customer])
    return Shop(customer, at, cents, campaign=campaigns, channel=channel)


def _launches(rng: np.random.Generator, start: int, stop: int) -> np.ndarray:
    """Campaign launch moments (09:00 UTC) from two weeks into the history, about every EVERY_DAYS days."""
    count = (stop - start) // (EVERY_DAYS * DAY) + 1
    days = 14 + EVERY_DAYS * np.arange(count) + rng.integers(-4, 5, count)
    launches = start + days * DAY + 9 * 3600
    return launches[launches <= stop]
