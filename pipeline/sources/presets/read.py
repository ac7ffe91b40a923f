"""A preset's export files read into the contract's entities, as tables of text with the export's lineage."""

from pathlib import Path

import pyarrow as pa

from pipeline.sources.presets.choose import Chosen
from pipeline.sources.presets.contract_tables import contract_table
from pipeline.sources.presets.export_file import ExportFile

REFUNDS_SOURCE = " (refunds)"  # the lineage of refund rows: '<export> (refunds)', beside their order's row
_KEYS = {"products": "product_id", "customers": "customer_id"}  # one row per key across all export files


def read_preset(folder: Path, chosen: Chosen) -> tuple[dict[str, list[pa.Table]], str]:
    """Per entity, one table per export file; and the console line saying what was read."""
    tables: dict[str, list[pa.Table]] = {}
    seen: dict[str, set[str]] = {entity: set() for entity in _KEYS}
    rows = refunds = 0
    for path in chosen.files:
        export = ExportFile.read(folder, path, chosen.preset.KNOWN)
        rows += export.rows
        for entity, (columns, source_rows) in chosen.preset.to_contract(export).items():
            if entity in _KEYS:  # an earlier file already gave this product or customer
                keep = [i for i, key in enumerate(columns[_KEYS[entity]]) if key not in seen[entity]]
                seen[entity].update(columns[_KEYS[entity]])
                columns = {c: [values[i] for i in keep] for c, values in columns.items()}
                source_rows = [source_rows[i] for i in keep]
            if entity == "refunds":
                refunds += len(source_rows)
                # a refund row comes from its order's export row: filed apart, so lineage stays unique
                entity, source = "orders", f"{export.name}{REFUNDS_SOURCE}"
            else:
                source = export.name
            tables.setdefault(entity, []).append(contract_table(entity, columns, source, source_rows))
    counts = {entity: sum(t.num_rows for t in parts) for entity, parts in tables.items()}
    names = ", ".join(p.name for p in chosen.files)
    line = (
        f"{chosen.preset.LABEL} ({names}; PULSE_SOURCE_FORMAT overrides): {rows:,} line-item rows -> "
        f"{counts['orders'] - refunds:,} orders and {refunds:,} refund{'' if refunds == 1 else 's'}, "
        f"{counts['order_items']:,} order items, {counts['products']:,} products, "
        f"{counts['customers']:,} customers"
    )
    return tables, line
