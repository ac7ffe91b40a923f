"""Text for the files, built from numpy arrays without per-value Python work: ids, money, timestamps."""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from demo_shop.catalog import CATALOG
from demo_shop.clock import DAY_S, Calendar


def text(values) -> pa.Array:
    # An empty value is written as null: an empty unquoted CSV field, a null in Parquet.
    return pa.array([v or None for v in values], pa.string())


def customer_ids(gid: np.ndarray, width: int) -> pa.Array:
    return fixed_width([b"C", digits(gid + 1, width)])


def order_ids(number: np.ndarray, refund: np.ndarray, width: int) -> pa.Array:
    ids = fixed_width([b"O", digits(number, width)])
    rows = np.flatnonzero(refund)
    if rows.size:
        ids = replace_rows(ids, rows, pc.binary_join_element_wise("R-", ids.take(pa.array(rows)), ""))
    return ids


def replace_rows(arr: pa.Array, rows: np.ndarray, new: pa.Array) -> pa.Array:
    """arr with arr[rows] = new; one take instead of a full pass per kind of change."""
    idx = np.arange(len(arr))
    idx[rows] = len(arr) + np.arange(rows.size)
    return pa.concat_arrays([arr, new.cast(arr.type)]).take(pa.array(idx))


def product_ids(product: np.ndarray) -> pa.Array:
    return pa.array([f"P{i + 1:03d}" for i in range(len(CATALOG))]).take(pa.array(product))


def money(cents: np.ndarray) -> pa.Array:
    """Cents as text with two decimals: 1999 -> '19.99', -500 -> '-5.00'."""
    cents = np.asarray(cents, dtype=np.int64)
    whole, frac = np.abs(cents) // 100, np.abs(cents) % 100
    width = np.ones(cents.size, dtype=np.int64)  # digits of the whole part
    for power in range(1, 12):
        width += whole >= 10**power
    buf = fixed_bytes([b"-", digits(whole, 12), b".", digits(frac, 2)])
    keep = np.ones(buf.shape, dtype=bool)
    keep[:, 0] = cents < 0
    keep[:, 1:13] = np.arange(12, 0, -1) <= width[:, None]
    length = keep.sum(axis=1)
    offsets = np.concatenate([[0], np.cumsum(length)]).astype(np.int32)
    return pa.StringArray.from_buffers(cents.size, pa.py_buffer(offsets), pa.py_buffer(buf[keep]))


def decimal(cents: np.ndarray) -> pa.Array:
    # decimal128 is a little-endian 16-byte integer of the scaled value.
    raw = np.zeros((cents.size, 2), dtype=np.int64)
    raw[:, 0] = cents
    raw[:, 1] = np.where(cents < 0, -1, 0)
    return pa.Array.from_buffers(pa.decimal128(10, 2), cents.size, [None, pa.py_buffer(raw)])


def timestamps(cal: Calendar, secs: np.ndarray, form) -> pa.Array:
    """ISO text from lookup tables (pyarrow strftime is ~20x slower).

    form 0: '2024-03-01', 1: '2024-03-01 14:02:00' (UTC), 2: '2024-03-01T16:02:00+02:00'
    (Central European local time with its offset); one form for all rows or one per row.
    """
    epoch = cal.epoch_s + np.asarray(secs, dtype=np.int64)
    if np.ndim(form) == 0:
        return fixed_width([_timestamp_bytes(cal, epoch, int(form))])
    # One fixed-width array per form, then put the rows back in their places.
    parts, where = [], []
    for f in range(3):
        rows = np.flatnonzero(form == f)
        parts.append(fixed_width([_timestamp_bytes(cal, epoch[rows], f)]))
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


def _timestamp_bytes(cal: Calendar, epoch: np.ndarray, form: int) -> np.ndarray:
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
    hh, mm, ss = digits(sod // 3600, 2), digits(sod // 60 % 60, 2), digits(sod % 60, 2)
    return np.ascontiguousarray(fixed_bytes([hh, b":", mm, b":", ss])).view("S8").ravel()


# "00".."99" as two bytes each, read as one uint16 so a lookup moves two digits at once.
_PAIRS = np.array([[48 + i // 10, 48 + i % 10] for i in range(100)], dtype=np.uint8).view(np.uint16).ravel()


def digits(values: np.ndarray, width: int) -> np.ndarray:
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


def fixed_bytes(parts: list) -> np.ndarray:
    """Glue byte constants and (n, k) byte matrices side by side."""
    n = next(p.shape[0] for p in parts if isinstance(p, np.ndarray))
    widths = [len(p) if isinstance(p, bytes) else p.shape[1] for p in parts]
    out = np.empty((n, sum(widths)), dtype=np.uint8)
    col = 0
    for part, width in zip(parts, widths, strict=True):
        out[:, col : col + width] = np.frombuffer(part, np.uint8) if isinstance(part, bytes) else part
        col += width
    return out


def fixed_width(parts: list) -> pa.Array:
    """A string array whose values all have the same byte length, without per-value work."""
    buf = fixed_bytes(parts)
    n, width = buf.shape
    offsets = np.arange(n + 1, dtype=np.int32) * width
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(buf)))
