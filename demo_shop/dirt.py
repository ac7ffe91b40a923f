"""The deliberate dirt in orders.csv: one kind of invalid row per quarantine reason, and later versions.

An invalid row is a copy of a real order placed right after it, with one defect, so it has exactly one
quarantine reason; a duplicate is a later version of an order (re-exported, refunded, cancelled or with a
changed amount) appended at the end of the file. Clean rows are never altered.
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from demo_shop.catalog import STATUSES
from demo_shop.clock import DAY_S
from demo_shop.contract import INVALID_REASONS
from demo_shop.formats import replace_rows, text
from demo_shop.simulate import stable_order

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


def dirty_rows(rng, base, order_sort, dirty_src, dirty_share, epoch_s):
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
    s = stable_order(pos)
    rows, kind, var = rows[s], kind[s], var[s]

    shuffle = rng.permutation(int(dup.sum()))
    return (
        np.concatenate([rows, src[dup][shuffle]]),
        np.concatenate([kind, kinds[dup][shuffle]]),
        np.concatenate([var, variant[dup][shuffle]]),
    )


def duplicate_versions(status: np.ndarray, amount: np.ndarray, kind: np.ndarray, variant: np.ndarray) -> None:
    """Change status and amount (copies of the rows' values) in place where a row is a later version."""
    dup = kind == len(DIRTY_KINDS)
    version = np.where(dup, variant, -1)  # index into DUPLICATE_VERSIONS; "same" is a re-export
    status[version == DUPLICATE_VERSIONS.index("refunded")] = STATUSES.index("refunded")
    status[version == DUPLICATE_VERSIONS.index("cancelled")] = STATUSES.index("cancelled")
    changed = version == DUPLICATE_VERSIONS.index("amount")  # a voucher applied after the first export
    amount[changed] = np.where(amount[changed] > 1500, amount[changed] - 500, amount[changed] * 9 // 10)


def dirty_values(cols: dict[str, pa.Array], kind: np.ndarray, variant: np.ndarray) -> dict[str, pa.Array]:
    """The order columns with each invalid row's one defect written in."""
    fixes = {}  # column -> [(rows, new values)], applied with one take per column

    def put(col, name, values):
        rows = np.flatnonzero(kind == DIRTY_KINDS.index(name) + 1)
        if rows.size:
            if callable(values):
                new = values(cols[col].take(pa.array(rows)))
            else:
                new = text(values).take(pa.array(variant[rows] % len(values)))
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
        cols[col] = replace_rows(cols[col], rows, new)
    return cols
