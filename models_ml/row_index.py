"""Where each (customer_id, cutoff_date) lives in the feature frame, found by integer codes, and a stable
hash per row and per customer.

Joining the long mix and label frames (tens of millions of rows for a large shop) to the features by
string keys costs minutes and gigabytes; looking each key up in a dense customer × cutoff table of
row positions costs one hash lookup per distinct customer id and a few integer arrays.
"""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # spreads small integers over 64 bits


def mix64(values: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a well-spread 64-bit hash of each integer."""
    with np.errstate(over="ignore"):
        z = values.astype(np.uint64) + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _positions(values: pd.Series, universe: pd.Index) -> np.ndarray:
    """Position of each value in `universe` (-1 if absent), by Arrow's hash lookup: pandas would turn
    tens of millions of Arrow strings into Python objects first."""
    values_arrow, universe_arrow = pa.array(values), pa.array(universe)
    if values_arrow.type != universe_arrow.type:
        values_arrow = values_arrow.cast(universe_arrow.type)
    found = pc.index_in(values_arrow, value_set=universe_arrow)
    return pc.fill_null(found, -1).to_numpy().astype(np.int64)


class RowIndex:
    """Positions of the feature rows by (customer id, cutoff date), and stable hashes of them."""

    def __init__(self, customer_ids: pd.Series, cutoffs: pd.Series):
        customer_code, customers = pd.factorize(customer_ids)
        cutoff_code, cutoff_values = pd.factorize(cutoffs)
        self.customers, self.cutoffs = pd.Index(customers), pd.Index(cutoff_values)
        self._customer_code, self._cutoff_code = customer_code, cutoff_code
        position = np.int32 if len(customer_code) < 2**31 else np.int64  # 4 bytes a cell when it fits
        self._table = np.full((len(customers), len(cutoff_values)), -1, dtype=position)
        self._table[customer_code, cutoff_code] = np.arange(len(customer_code))
        self.first_duplicate: int | None = None  # position of a second row for the same key, if any
        if (self._table >= 0).sum() < len(customer_code):
            codes = pd.Series(customer_code.astype(np.int64) * len(cutoff_values) + cutoff_code)
            self.first_duplicate = int(np.flatnonzero(codes.duplicated().to_numpy())[0])

    def locate(self, customer_ids: pd.Series, cutoffs: pd.Series) -> np.ndarray:
        """The feature row of each (customer id, cutoff date) pair, -1 where there is none."""
        customer = _positions(customer_ids, self.customers)
        cutoff = self.cutoffs.get_indexer(cutoffs)
        known = (customer >= 0) & (cutoff >= 0)
        rows = np.full(len(customer), -1, dtype=np.int64)
        rows[known] = self._table[customer[known], cutoff[known]]
        return rows

    def hashes(self, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """(per customer, per row) 64-bit hashes of each feature row. They depend only on the id text,
        the date and the seed, so samples and folds do not change with the row order."""
        key = f"cust{seed % 10**12:012d}"  # pandas wants exactly 16 characters
        per_customer = pd.util.hash_pandas_object(self.customers.to_series(), index=False, hash_key=key)
        customer_hash = per_customer.to_numpy()[self._customer_code]
        days = self.cutoffs.to_numpy("datetime64[D]").astype(np.int64)[self._cutoff_code]
        return customer_hash, mix64(customer_hash ^ mix64(days))
