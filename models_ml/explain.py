"""Each customer's top three reasons behind a churn or purchase score, in words a marketer reads.

The reasons are the three features with the largest XGBoost contributions (`pred_contribs`, log-odds)
for that customer, written with the customer's own values: "no order for 142 days, usual gap 35
(raises churn risk)". A template exists per feature (with a generic fallback for any new feature);
it reads differently when the feature pushes towards the good outcome (fewer churners, more buyers)
than when it pushes away from it. Texts are built once per distinct value, so 1 M customers cost
little more than a few thousand.
"""

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from models_ml.design import LIFECYCLE_PREFIX, MIX_PREFIXES

REASONS = 3
EFFECTS = {
    "churn": ("raises churn risk", "lowers churn risk"),
    "purchase": ("raises purchase chance", "lowers purchase chance"),
}
_GOOD_WHEN_UP = {"churn": False, "purchase": True}
# features that state the same fact: a customer's reasons name each fact once (the strongest feature)
_SAME_FACT = (
    ("recency_days", "recency_to_usual_gap", "r_score", "days_to_last_order_anniversary"),
    ("order_count", "f_score"),
    ("revenue", "m_score"),
    ("usual_gap_days", "gap_mean_days"),
    ("last_order_value", "last_to_avg_order_value"),
    ("tenure_days", "days_to_first_order_anniversary"),
)
_CANDIDATE_SLOTS = 8  # strongest features looked at per customer to find three distinct facts
_MISSING = -1e30  # stands for NaN while de-duplicating values

Formatter = Callable[[tuple[float, ...], bool], str]


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _plural(count: float, noun: str) -> str:
    return f"{_n(count)} {noun}{'' if round(count) == 1 else 's'}"


def _missing(value: float) -> bool:
    return value != value or value == _MISSING


def _recency(values: tuple[float, ...], good: bool) -> str:
    recency, gap = values
    text = f"last order {_n(recency)} days ago" if good else f"no order for {_n(recency)} days"
    return text if _missing(gap) else f"{text}, usual gap {_n(gap)}"


def _counted(noun: str, suffix: str = "", none: str | None = None) -> Formatter:
    def text(values: tuple[float, ...], good: bool) -> str:
        (count,) = values
        if count == 0 and none:
            return none + suffix
        only = "only " if not good and 0 < count <= 1 else ""
        return f"{only}{_plural(count, noun)}{suffix}"

    return text


def _spent(suffix: str) -> Formatter:
    def text(values: tuple[float, ...], good: bool) -> str:
        (amount,) = values
        return f"nothing spent{suffix}" if amount == 0 else f"spent {_n(amount)}{suffix}"

    return text


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _month(pattern: str) -> Formatter:
    def text(values: tuple[float, ...], good: bool) -> str:
        return pattern.format(_MONTHS[int(values[0]) - 1] if 1 <= values[0] <= 12 else "an unknown month")

    return text


def _percent(pattern: str) -> Formatter:
    def text(values: tuple[float, ...], good: bool) -> str:
        return pattern.format(f"{values[0] * 100:.0f}")

    return text


def _simple(pattern: str) -> Formatter:
    def text(values: tuple[float, ...], good: bool) -> str:
        return pattern.format(*values)

    return text


_FIXED: dict[str, tuple[tuple[str, ...], Formatter]] = {
    "recency_days": (("recency_days", "usual_gap_days"), _recency),
    "recency_to_usual_gap": (
        ("recency_to_usual_gap",),
        _simple("{0:.1f} times their usual time between orders since the last one"),
    ),
    "tenure_days": (("tenure_days",), _simple("a customer for {0:,.0f} days")),
    "order_count": (("order_count",), _counted("order", " in total")),
    "revenue": (("revenue",), _spent(" in total")),
    "spend_trend": (("spend_trend",), _simple("spend trend {0:.2f} (recent against earlier spending)")),
    "gap_mean_days": (("gap_mean_days",), _simple("orders on average every {0:,.0f} days")),
    "gap_std_days": (("gap_std_days",), _simple("gaps between orders vary by {0:,.0f} days")),
    "last_gap_days": (("last_gap_days",), _simple("{0:,.0f} days between the last two orders")),
    "usual_gap_days": (("usual_gap_days",), _simple("usually orders every {0:,.0f} days")),
    "avg_order_value": (("avg_order_value",), _simple("average order value {0:,.0f}")),
    "avg_basket_size": (("avg_basket_size",), _simple("{0:.1f} items per order on average")),
    "r_score": (("r_score",), _simple("recency score {0:.0f} of 5")),
    "f_score": (("f_score",), _simple("frequency score {0:.0f} of 5")),
    "m_score": (("m_score",), _simple("monetary score {0:.0f} of 5")),
    "orders_next_90d_last_year": (
        ("orders_next_90d_last_year",),
        _counted("order", " at this time of year last year", "no order at this time of year last year"),
    ),
    "orders_next_30d_last_year": (
        ("orders_next_30d_last_year",),
        _counted("order", " in the coming month's dates last year", "no order in these weeks last year"),
    ),
    "cutoff_month": (("cutoff_month",), _month("the time of year ({0})")),
    "days_to_first_order_anniversary": (
        ("days_to_first_order_anniversary",),
        _simple("{0:,.0f} days to the anniversary of their first order"),
    ),
    "days_to_last_order_anniversary": (
        ("days_to_last_order_anniversary",),
        _simple("{0:,.0f} days to a year since their last order"),
    ),
    "first_order_value": (("first_order_value",), _simple("first order worth {0:,.0f}")),
    "last_order_value": (("last_order_value",), _simple("last order worth {0:,.0f}")),
    "last_to_avg_order_value": (
        ("last_to_avg_order_value",),
        _simple("last order {0:.1f} times their average order"),
    ),
    "campaign_orders_365d": (
        ("campaign_orders_365d",),
        _counted("campaign order", " in the last year", "no campaign order in the last year"),
    ),
    "campaign_order_share_365d": (
        ("campaign_order_share_365d",),
        _percent("{0} % of the last year's orders came from campaigns"),
    ),
    "message_response_rate_365d": (
        ("message_response_rate_365d",),
        _percent("bought after {0} % of the messages of the last year"),
    ),
    "btyd_p_alive": (("btyd_p_alive",), _percent("{0} % likely to still be a customer, by order pattern")),
    "btyd_expected_purchases": (
        ("btyd_expected_purchases",),
        _simple("{0:.1f} orders expected in the coming weeks from their order pattern"),
    ),
    "btyd_expected_spend": (
        ("btyd_expected_spend",),
        _simple("{0:,.0f} spend expected over the next year from their order pattern"),
    ),
}
_WINDOWED: dict[str, Callable[[str], Formatter]] = {
    "orders": lambda w: _counted("order", f" in the last {w} days", "no order"),
    "revenue": lambda w: _spent(f" in the last {w} days"),
    "messages_received": lambda w: _counted("message", f" received in the last {w} days", "no message"),
    "messages_responded": lambda w: _counted("response", f" to messages in the last {w} days", "no response"),
    "web_events": lambda w: _counted("website visit event", f" in the last {w} days", "no website activity"),
    "web_add_to_cart": lambda w: _counted("add-to-cart", f" in the last {w} days", "nothing added to cart"),
    "web_checkouts": lambda w: _counted("checkout", f" started in the last {w} days", "no checkout started"),
}
_WINDOW_NAME = re.compile(r"^(?P<stem>[a-z_]+?)_(?P<days>\d+)d$")


def _share(subject: str, pattern: str, none: str) -> Formatter:
    def text(values: tuple[float, ...], good: bool) -> str:
        (share,) = values
        return none.format(subject) if share == 0 else pattern.format(f"{share * 100:.0f}", subject)

    return text


def _lifecycle(state: str) -> Formatter:
    def text(values: tuple[float, ...], good: bool) -> str:
        return f"lifecycle state is {state}" if values[0] >= 0.5 else f"lifecycle state is not {state}"

    return text


def _generic(name: str) -> Formatter:
    label = name.replace("__", ": ").replace("_", " ")

    def text(values: tuple[float, ...], good: bool) -> str:
        return f"{label} is {values[0]:,.4g}"

    return text


def template(name: str, display: dict[str, str]) -> tuple[tuple[str, ...], Formatter]:
    """The columns a feature's reason reads, and how it is written."""
    if name in _FIXED:
        return _FIXED[name]
    if (match := _WINDOW_NAME.match(name)) and match["stem"] in _WINDOWED:
        return (name,), _WINDOWED[match["stem"]](match["days"])
    subject = display.get(name, name.split("__", 1)[-1].replace("_", " "))
    if name.startswith(MIX_PREFIXES["category"]):
        return (name,), _share(subject, "spent {0} % of their money on {1}", "never bought {0}")
    if name.startswith(MIX_PREFIXES["channel"]):
        return (name,), _share(subject, "{0} % of their spend came through {1}", "never bought through {0}")
    if name.startswith(LIFECYCLE_PREFIX):
        return (name,), _lifecycle(name[len(LIFECYCLE_PREFIX) :])
    return (name,), _generic(name)


class _Column:
    """One reason column built as codes into a list of distinct texts: 1 M customers share a few
    thousand texts, so no million strings are made; the column stays a category (codes and texts) until
    it is written, where it becomes text (a 4 M-row column of texts would be 200 MB or more)."""

    def __init__(self, rows: int):
        self.texts = [""]
        self.codes = np.zeros(rows, dtype=np.int64)

    def put(self, rows: np.ndarray, texts: list[str], inverse: np.ndarray) -> None:
        self.codes[rows] = len(self.texts) + inverse
        self.texts.extend(texts)

    def series(self) -> pd.Series:
        # two groups of rows can write the same text: categories must be distinct
        categories, remap = np.unique(np.array(self.texts, dtype=object), return_inverse=True)
        return pd.Series(pd.Categorical.from_codes(remap[self.codes], categories=categories))


def _write(
    column: _Column,
    feature: str,
    rows: np.ndarray,
    good: bool,
    effect: str,
    values: np.ndarray,
    names: list[str],
    display: dict[str, str],
) -> None:
    """Reason texts of one feature for `rows`, formatting each distinct value combination once."""
    columns, formatter = template(feature, display)
    index = {n: i for i, n in enumerate(names)}
    picked = [
        np.round(values[rows, index[c]].astype(np.float64), 4) if c in index else np.full(len(rows), np.nan)
        for c in columns
    ]
    if np.isnan(picked[0]).all():
        label = feature.replace("__", ": ").replace("_", " ")
        column.put(rows, [f"{label} unknown ({effect})"], np.zeros(len(rows), dtype=np.int64))
        return
    picked = [np.where(np.isnan(p), _MISSING, p) for p in picked]
    inverse, first = _distinct_rows(picked)
    combos = zip(*(p[first].tolist() for p in picked), strict=True)
    texts = [
        f"{feature.replace('_', ' ')} unknown ({effect})"
        if _missing(combo[0])
        else f"{formatter(tuple(combo), good)} ({effect})"
        for combo in combos
    ]
    column.put(rows, texts, inverse)


def _distinct_rows(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's code among the distinct value combinations of `columns`, and the first row of each code.
    Hashing one column at a time keeps a single integer key (a MultiIndex would build a tuple per row)."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for values in columns:
        codes, uniques = pd.factorize(values)
        key, _ = pd.factorize(key * len(uniques) + codes)  # re-coded: stays below the row count
    _, first = np.unique(key, return_index=True)  # codes are 0..k-1, so position k is code k
    return key, first


def _distinct_facts(top: np.ndarray, features: list[str], count: int) -> np.ndarray:
    """The first `count` of each row's strongest features (strongest first) whose facts differ."""
    group = {name: i for i, names in enumerate(_SAME_FACT) for name in names}
    fact = np.array([group.get(name, len(_SAME_FACT) + i) for i, name in enumerate(features)])[top]
    keep = np.ones(top.shape, dtype=bool)
    for slot in range(1, top.shape[1]):
        keep[:, slot] = ~(fact[:, :slot] == fact[:, slot : slot + 1]).any(axis=1)
    # stable sort moves the kept slots first, in strength order
    order = np.argsort(~keep, axis=1, kind="stable")[:, :count]
    return np.take_along_axis(top, order, axis=1)


def _strongest(impact: np.ndarray, count: int, chunk: int = 100_000) -> np.ndarray:
    """Column indices of the `count` largest |contributions| per row, strongest first (in chunks: a
    full argpartition index of 1 M rows × 50 features would be 400 MB)."""
    top = np.empty((len(impact), count), dtype=np.int64)
    for start in range(0, len(impact), chunk):
        strength = np.abs(impact[start : start + chunk])
        part = np.argpartition(-strength, count - 1, axis=1)[:, :count] if count else top[:0]
        order = np.argsort(-np.take_along_axis(strength, part, axis=1), axis=1, kind="stable")
        top[start : start + chunk] = np.take_along_axis(part, order, axis=1)
    return top


def top_reasons(
    contributions: np.ndarray,
    values: np.ndarray,
    names: list[str],
    model_features: list[str],
    target: str,
    display: dict[str, str] | None = None,
) -> list[pd.Series]:
    """`REASONS` text columns (first = strongest) for a churn or purchase model's scored rows.

    `contributions` is `pred_contribs` output (rows × model features + bias); `values` holds the rows'
    feature values in `names` order (they may include columns the model does not use, such as the
    usual gap quoted beside recency). A slot is "" where no further feature moved the score.
    """
    display = display or {}
    up, down = EFFECTS[target]
    impact = contributions[:, : len(model_features)]
    count = min(REASONS, impact.shape[1])
    top = _distinct_facts(_strongest(impact, min(_CANDIDATE_SLOTS, impact.shape[1])), model_features, count)
    out = []
    for slot in range(REASONS):
        column = _Column(len(impact))
        if slot < count:
            feature_index = top[:, slot]
            signed = impact[np.arange(len(impact)), feature_index]
            for f in np.unique(feature_index):
                for raises in (True, False):
                    rows = np.flatnonzero((feature_index == f) & ((signed > 0) if raises else (signed < 0)))
                    if len(rows):
                        good = raises == _GOOD_WHEN_UP[target]
                        effect = up if raises else down
                        _write(column, model_features[f], rows, good, effect, values, names, display)
        out.append(column.series())
    return out


_BASELINE_REASONS = ("recency_days", "order_count")  # what the rule and BG/NBD read


def baseline_reason_columns() -> list[str]:
    """The feature columns the reasons of a rule or BG/NBD score read."""
    return list(dict.fromkeys(c for feature in _BASELINE_REASONS for c in template(feature, {})[0]))


def baseline_reasons(
    values: np.ndarray, names: list[str], target: str, score: np.ndarray, method: str
) -> list[pd.Series]:
    """Reasons for a score no XGBoost model made: recency and frequency (what the rule and BG/NBD read),
    and `method`, the sentence saying how the score was made. `values` holds the columns `names`, at
    least those of `baseline_reason_columns()`."""
    up, down = EFFECTS[target]
    raises = score >= np.mean(score) if len(score) else np.zeros(0, bool)
    out = []
    for feature in _BASELINE_REASONS:
        column = _Column(len(score))
        if feature in names:
            for direction in (True, False):
                rows = np.flatnonzero(raises == direction)
                if len(rows):
                    good = direction == _GOOD_WHEN_UP[target]
                    effect = up if direction else down
                    _write(column, feature, rows, good, effect, values, names, {})
        out.append(column.series())
    rule = _Column(len(score))
    rule.put(np.arange(len(score)), [method], np.zeros(len(score), np.int64))
    out.append(rule.series())
    return out
