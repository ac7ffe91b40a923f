"""A deterministic demo shop: raw files that follow docs/data-contract.md.

The shop is a source like any other: it writes files and never imports the pipeline. The work is split by
concern: the purchase process (simulate.py, on the seasonal clock of clock.py, selling catalog.py), the
deliberate dirty rows (dirt.py) and the files (write.py, formats.py). Prices are set in euros and an order
in another currency is charged at the day's exchange rate, which the shop also exports (exchange_rates.py).

Everything is vectorised. Customers are simulated in fixed-size chunks with their own seeded
generator, so memory for the simulation stays bounded and the output only depends on the
arguments. The compact numeric results are then sorted by time and written in slices.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import numpy as np
import pyarrow as pa

from demo_shop.catalog import CATALOG, CURRENCIES
from demo_shop.clock import Calendar, plan_campaigns
from demo_shop.contract import COLUMNS, FILES
from demo_shop.dirt import DIRTY_KINDS, dirty_rows
from demo_shop.exchange_rates import ExchangeRates
from demo_shop.progress import Progress, Report
from demo_shop.simulate import Chunk, concat, number_orders, simulate_chunk
from demo_shop.write import (
    Sink,
    customers_table,
    schema,
    write_comms,
    write_events,
    write_orders,
    write_products,
    write_table,
)

__all__ = ["CATALOG", "COLUMNS", "DIRTY_KINDS", "FILES", "GENERATOR_VERSION", "generate_demo_shop"]

# Bump when the same arguments write different files, so an existing demo folder is regenerated.
GENERATOR_VERSION = 2

# Fixed so a customer's data does not depend on how many customers are generated after it.
CHUNK_CUSTOMERS = 50_000
WORKERS = min(2, os.cpu_count() or 1)


def generate_demo_shop(
    out_dir: str | Path,
    customers: int = 5000,
    seed: int = 42,
    start: str = "2023-07-01",
    end: str = "2026-06-30",
    fmt: str = "csv",
    dirty_share: float = 0.01,
    progress: Report | None = None,
    progress_every_s: float = 5.0,
) -> dict[str, int]:
    """Write the raw files (FILES) into out_dir and return the rows written per file.

    Same arguments, same bytes. `dirty_share` adds that share of orders as dirty rows, spread
    evenly over DIRTY_KINDS (at least one of each when > 0): an invalid copy of a real order
    right after it (with one defect, so one quarantine reason), or a later version of an order
    appended at the end of the file. Clean rows are never altered, so order_items always add up
    to the first version of an order; only the "amount" duplicate version deliberately differs.
    `progress` receives a line (stages and share done) at most every `progress_every_s` seconds.
    """
    if customers < 1 or seed < 0 or not 0 <= dirty_share < 0.5:
        raise ValueError("need customers >= 1, seed >= 0 and 0 <= dirty_share < 0.5")
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', not {fmt!r}")
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = Progress(progress, progress_every_s)
    report.say(f"{customers:,} customers (seed {seed}) into {out}")
    cal = Calendar(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    campaigns = plan_campaigns(cal, np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,))))
    fx = ExchangeRates(
        cal.start, cal.end, CURRENCIES, np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(3,)))
    )
    id_width = max(6, len(str(customers)))
    n_chunks = -(-customers // CHUNK_CUSTOMERS)

    def simulate(k: int) -> tuple[Chunk, pa.Table]:
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1, k)))
        first = k * CHUNK_CUSTOMERS
        chunk = simulate_chunk(rng, first, min(CHUNK_CUSTOMERS, customers - first), cal, campaigns, fx)
        return chunk, customers_table(chunk.customers, cal, id_width)

    counts = {}
    parts = []
    # numpy and arrow release the GIL for the heavy work, so threads share the cores; every
    # chunk has its own generator and results are consumed in order, so the bytes do not change.
    with ThreadPoolExecutor(WORKERS) as pool:
        with Sink(out / f"customers.{fmt}", schema("customers"), fmt) as sink:
            report.advance("simulating customers", 0, n_chunks)
            for chunk, table in pool.map(simulate, range(n_chunks)):
                sink.write(table)
                chunk.customers = {}  # written; only the compact per-row arrays are kept
                parts.append(chunk)
                report.advance("simulating customers", len(parts), n_chunks)
            counts["customers"] = sink.rows

        orders = concat([p.orders for p in parts])
        items = concat([p.items for p in parts], offsets=("order", [len(p.orders["cust"]) for p in parts]))
        events = concat([p.events for p in parts])
        comms = concat([p.comms for p in parts])
        del parts

        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2,)))
        jobs = {
            "web_events": pool.submit(write_events, out, fmt, events, cal, id_width, report),
            "orders": pool.submit(
                _orders, out, fmt, orders, items, cal, campaigns, id_width, dirty_share, rng, report
            ),
        }
        del orders, items, events
        counts["communications"] = write_comms(out, fmt, comms, cal, campaigns, id_width, report)
        counts["products"] = write_products(out, fmt)
        counts["exchange_rates"] = write_table(out, fmt, "exchange_rates", fx.table())
        while not all(job.done() for job in jobs.values()):
            wait(jobs.values(), timeout=0.5)
            report.poll()  # lines from the writer threads go out on this thread
        counts["web_events"] = jobs["web_events"].result()
        counts.update(jobs["orders"].result())
    report.say(f"done: {sum(counts.values()):,} rows in {time.perf_counter() - started:.1f} s")
    return {name: counts[name] for name in FILES}


def _orders(out, fmt, o, items, cal, campaigns, id_width, dirty_share, rng, report) -> dict[str, int]:
    """Refunds and numbers, then the dirty rows, then the files; one generator, drawn in this order."""
    report.advance("preparing orders", 0, 1)
    base, order_sort, dirty_src = number_orders(o, items, cal, rng)
    rows, kind, variant = dirty_rows(rng, base, order_sort, dirty_src, dirty_share, cal.epoch_s)
    report.advance("preparing orders", 1, 1)
    return write_orders(out, fmt, base, rows, kind, variant, items, cal, campaigns, id_width, report)
