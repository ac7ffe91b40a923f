"""Where every raw order row went, as fct_orders metadata and as the one line `tasks.py run` ends with.

The figures are read from the dbt models that compute them (order_reconciliation, quarantined_orders by
reason_kind), after dbt has exited; nothing here recounts rows itself.
"""

from collections.abc import Iterable, Iterator, Mapping

import dagster as dg

from pipeline.engine import Warehouse
from pipeline.raw.contract import INVALID_REASONS, QUARANTINE_REASONS

RECONCILED_TABLE = "fct_orders"
_TOTALS = ("raw_rows", "clean_rows", "quarantined_rows", "duplicates_collapsed", "after_as_of_rows")
# quarantined_orders.reason_kind -> metadata key; `excluded` rows are valid orders left out (cancelled)
_KINDS = {"invalid": "quarantined_invalid_rows", "excluded": "quarantined_excluded_rows"}
_EXCLUDED_REASONS = [reason for reason in QUARANTINE_REASONS if reason not in INVALID_REASONS]


def reconciliation_figures(warehouse: Warehouse, relations: Mapping[str, str]) -> dict[str, int] | None:
    """`relations`: dbt model name -> schema.table. None when the two models were not built."""
    reconciliation = relations.get("order_reconciliation")
    quarantine = relations.get("quarantined_orders")
    if reconciliation is None or quarantine is None:
        return None
    with warehouse.reading() as reader:
        if not {reconciliation, quarantine} <= reader.relations():
            return None
        [totals] = reader.rows(f"select {', '.join(_TOTALS)} from {reconciliation}")
        by_kind = dict(reader.rows(f"select reason_kind, count(*) from {quarantine} group by reason_kind"))
    figures = {name: int(value) for name, value in zip(_TOTALS, totals, strict=True)}
    figures.update({key: int(by_kind.get(kind, 0)) for kind, key in _KINDS.items()})
    return figures


def with_reconciliation(events: Iterable, warehouse: Warehouse, relations: Mapping[str, str]) -> Iterator:
    """The dbt events, with the figures added to fct_orders' materialization (read once dbt has exited)."""
    events = list(events)
    figures = reconciliation_figures(warehouse, relations)
    for event in events:
        if figures and isinstance(event, dg.Output | dg.AssetMaterialization):
            name = event.output_name if isinstance(event, dg.Output) else event.asset_key.path[-1]
            if name == RECONCILED_TABLE:
                event = event.with_metadata({**event.metadata, **figures})
        yield event


def reconciliation_line(metadata: Mapping[str, object]) -> str | None:
    """`raw = clean + quarantined (invalid, cancelled) + duplicates + after as_of` in words, or None."""
    # values are plain ints on the event, MetadataValue objects once read back from the instance
    values = {
        key: getattr(metadata.get(key), "value", metadata.get(key)) for key in (*_TOTALS, *_KINDS.values())
    }
    if any(value is None for value in values.values()):
        return None
    n = {key: f"{int(value):,}" for key, value in values.items()}
    excluded = "/".join(_EXCLUDED_REASONS)
    return (
        f"Orders: {n['raw_rows']} raw rows = {n['clean_rows']} clean + {n['quarantined_rows']} quarantined "
        f"({n['quarantined_invalid_rows']} invalid, {n['quarantined_excluded_rows']} {excluded}) + "
        f"{n['duplicates_collapsed']} duplicates collapsed + {n['after_as_of_rows']} after as_of"
    )
