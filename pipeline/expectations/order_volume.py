"""Whether this run's clean order count is plausible next to the last published run's (a pure function).

A broken export (a truncated file, a filter left on in the shop's admin) looks like a shop that lost most
of its orders. Publishing it would blank every dashboard, so a drop beyond a set share, or no orders at
all, stops the publish until someone confirms it (PULSE_ALLOW_ORDER_DROP) or fixes the export.
"""

from dataclasses import dataclass, field

TABLE = "fct_orders"


@dataclass(frozen=True)
class OrderVolumeVerdict:
    passed: bool
    description: str
    metadata: dict[str, object] = field(default_factory=dict)


def _previous_rows(manifest: dict | None) -> tuple[int | None, str | None]:
    if manifest is None:
        return None, None
    table = manifest.get("tables", {}).get(TABLE)
    return (None if table is None else int(table["rows"])), manifest.get("run_id")


def assess_order_volume(
    current_rows: int, last_manifest: dict | None, max_drop: float, allow_drop: bool
) -> OrderVolumeVerdict:
    """`last_manifest`: the published `_manifest.json` (None before the first publish)."""
    previous, run_id = _previous_rows(last_manifest)
    drop = None if not previous else (previous - current_rows) / previous
    metadata: dict[str, object] = {
        "current_rows": current_rows,
        "previous_rows": previous,
        "previous_run_id": run_id,
        "drop_share": None if drop is None else round(drop, 4),
        "max_drop_share": max_drop,
        "overridden": False,
    }
    last = None if previous is None else f"the last published run {run_id} had {previous:,}"
    if current_rows == 0:
        problem = f"{TABLE} has no clean orders" + (f" ({last})" if last else "")
    elif drop is not None and drop > max_drop:
        problem = (
            f"{TABLE} dropped {drop:.0%}: {current_rows:,} clean orders where {last}; "
            f"PULSE_MAX_ORDER_DROP={max_drop:g} allows at most {max_drop:.0%}"
        )
    else:
        if last is None:
            return OrderVolumeVerdict(
                True,
                f"{TABLE} has {current_rows:,} clean orders; no earlier publish to compare with.",
                metadata,
            )
        change = "up from none" if drop is None else "no change" if drop == 0 else f"{-drop:+.1%}"
        return OrderVolumeVerdict(
            True,
            f"{TABLE} has {current_rows:,} clean orders where {last} ({change}; a drop of up to "
            f"{max_drop:.0%} is accepted).",
            metadata,
        )
    if allow_drop:
        metadata["overridden"] = True
        return OrderVolumeVerdict(
            True, f"{problem}. Passed anyway: PULSE_ALLOW_ORDER_DROP=true (a deliberate reset).", metadata
        )
    return OrderVolumeVerdict(
        False,
        f"{problem}. Nothing is published; the last published tables stay as they are. Check the "
        "orders export and quarantined_orders; if the drop is deliberate, run again with "
        "PULSE_ALLOW_ORDER_DROP=true.",
        metadata,
    )
