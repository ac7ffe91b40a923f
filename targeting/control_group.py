"""Deterministic control groups: the same customer and audience always land on the same side.

A customer is in the control group of an audience when the first 8 hex digits of
SHA-256("<audience>:<customer_id>") are below `share` x 16^8. The draw depends on nothing but the
pair, so it is stable when the audience grows or shrinks (existing members keep their side),
independent across audiences (the name is in the hash), and reproducible in any tool with SHA-256:
Python (`is_control`) and DuckDB SQL (`control_sql`) give the same answer, bit for bit, because
comparing fixed-width lower-case hex strings is comparing the numbers they spell.
"""

import hashlib
from collections.abc import Iterable

import numpy as np

DEFAULT_CONTROL_SHARE = 0.10
_DIGITS = 8  # 32 bits of the hash: shares are honoured to 1 in 4 billion


def control_threshold(share: float) -> str:
    """The hex prefix below which a customer is held out, for a control share in [0, 1)."""
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share < 1:
        raise ValueError(f"control share must be a number in [0, 1), got {share!r}")
    # capped so the threshold keeps 8 digits (a 9-digit string would compare as text, wrongly)
    return format(min(round(share * 16**_DIGITS), 16**_DIGITS - 1), f"0{_DIGITS}x")


def is_control(customer_ids: Iterable[object], audience: str, share: float) -> np.ndarray:
    """Boolean array: which customers are held out of `audience` (ids compared as text)."""
    threshold = control_threshold(share)
    prefix = f"{audience}:".encode()
    return np.fromiter(
        (
            hashlib.sha256(prefix + str(cid).encode()).hexdigest()[:_DIGITS] < threshold
            for cid in customer_ids
        ),
        dtype=bool,
    )


def control_sql(customer_id: str, audience_param: str, threshold_param: str) -> str:
    """DuckDB SQL for the same flag; bind the audience name and `control_threshold(share)` as parameters.

    `customer_id` is a SQL expression from our own code; the parameters are names such as `$audience`.
    """
    return (
        f"(left(sha256({audience_param} || ':' || cast({customer_id} as varchar)), {_DIGITS})"
        f" < {threshold_param})"
    )
