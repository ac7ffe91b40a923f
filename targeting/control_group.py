"""Deterministic control groups of exactly round(share × members) customers per audience.

Each member draws SHA-256("<audience>:<customer_id>") (the first 16 hex digits); the members with the
smallest draws, round(share × members) of them (halves round up), are held out. The draw depends on
nothing but the pair, so it is reproducible in any tool with SHA-256, independent across audiences (the
name is in the hash), and mostly stable as the audience changes (a member keeps its side unless the
cut moves past it). Python (`is_control`) and DuckDB SQL (`control_sql`) give the same answer: comparing
fixed-width lower-case hex strings is comparing the numbers they spell; ties break on the customer id.
"""

import hashlib
import math
from collections.abc import Iterable

import numpy as np

DEFAULT_CONTROL_SHARE = 0.10
_DIGITS = 16  # 64 bits of the hash: ties between two members are as good as impossible


def check_share(share: float) -> float:
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share < 1:
        raise ValueError(f"control share must be a number in [0, 1), got {share!r}")
    return float(share)


def control_size(members: int, share: float) -> int:
    """How many of `members` are held out: round(share × members), halves up (30 × 10 % = 3)."""
    return math.floor(check_share(share) * members + 0.5)


def is_control(customer_ids: Iterable[object], audience: str, share: float) -> np.ndarray:
    """Boolean array: which customers are held out of `audience` (ids compared as text)."""
    ids = [str(cid) for cid in customer_ids]
    prefix = f"{audience}:".encode()
    draws = [hashlib.sha256(prefix + cid.encode()).hexdigest()[:_DIGITS] for cid in ids]
    order = sorted(range(len(ids)), key=lambda i: (draws[i], ids[i]))
    held = np.zeros(len(ids), dtype=bool)
    held[order[: control_size(len(ids), share)]] = True
    return held


def control_sql(customer_id: str, audience_param: str, share_param: str) -> str:
    """DuckDB SQL for the same flag, a window over the rows being drawn from; bind the audience name and
    the share as parameters (`customer_id` is a SQL expression from our own code)."""
    draw = f"left(sha256({audience_param} || ':' || cast({customer_id} as varchar)), {_DIGITS})"
    return (
        f"(row_number() over (order by {draw}, cast({customer_id} as varchar))"
        f" <= floor({share_param} * count(*) over () + 0.5))"
    )
