"""Writing the files: each table in CSV or Parquet, in slices, with the contract's columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from demo_shop.catalog import CATALOG, CHANNELS, COUNTRIES, CURRENCIES, EVENT_TYPES, STATUSES
from demo_shop.clock import DAY_S
from demo_shop.contract import COLUMNS
from demo_shop.dirt import dirty_values, duplicate_versions
from demo_shop.formats import customer_ids, decimal, money, order_ids, product_ids, text, timestamps
from demo_shop.simulate import stable_order

SLICE_ROWS = 1_000_000


def schema(name: str) -> pa.Schema:
    types = {"quantity": pa.int32(), "unit_price": pa.decimal128(10, 2), "price": pa.decimal128(10, 2)}
    return pa.schema([(col, types.get(col, pa.string())) for col in COLUMNS[name]])


def write_orders(
    out, fmt, base, rows, kind, variant, items, cal, campaigns, id_width, report
) -> dict[str, int]:
    """orders (rows: base index per file row, with its dirt kind and variant) and order_items."""
    number, width = base["number"], base["width"]
    counts = {"orders": 0, "order_items": 0}
    camp_ids = text([x.campaign_id for x in campaigns] + [""])
    with Sink(out / f"orders.{fmt}", schema("orders"), fmt) as sink:
        for lo in range(0, rows.size, SLICE_ROWS):
            sl = slice(lo, lo + SLICE_ROWS)
            sink.write(orders_table(base, rows[sl], kind[sl], variant[sl], cal, camp_ids, id_width))
            report.advance("writing orders", sink.rows, rows.size)
        counts["orders"] = sink.rows

    item_sort = stable_order(number[items["order"]])
    with Sink(out / f"order_items.{fmt}", schema("order_items"), fmt) as sink:
        for lo in range(0, item_sort.size, SLICE_ROWS):
            idx = item_sort[lo : lo + SLICE_ROWS]
            sink.write(
                pa.table(
                    {
                        "order_id": order_ids(number[items["order"][idx]], np.zeros(idx.size, bool), width),
                        "product_id": product_ids(items["product"][idx]),
                        "quantity": pa.array(items["qty"][idx].astype(np.int32)),
                        "unit_price": decimal(items["price"][idx]),
                    },
                    schema=schema("order_items"),
                )
            )
            report.advance("writing order items", sink.rows, item_sort.size)
        counts["order_items"] = sink.rows
    return counts


def orders_table(base, rows, kind, variant, cal, camp_ids, id_width) -> pa.Table:
    status = base["status"][rows].copy()
    amount = base["amount"][rows].copy()
    duplicate_versions(status, amount, kind, variant)

    secs, camp = base["secs"][rows], base["camp"][rows]
    cols = {
        "order_id": order_ids(base["number"][rows], base["refund"][rows], base["width"]),
        "customer_id": customer_ids(base["cust"][rows], id_width),
        "ordered_at": timestamps(cal, secs, base["form"][rows]),
        "amount": money(amount),
        "status": text(STATUSES).take(pa.array(status)),
        "currency": text(CURRENCIES).take(pa.array(base["currency"][rows])),
        "channel": text(CHANNELS).take(pa.array(base["channel"][rows])),
        "campaign_id": camp_ids.take(pa.array(np.where(camp < 0, len(camp_ids) - 1, camp))),
    }
    return pa.table(dirty_values(cols, kind, variant), schema=schema("orders"))


def write_table(out, fmt, name, table) -> int:
    with Sink(out / f"{name}.{fmt}", schema(name), fmt) as sink:
        sink.write(table.cast(schema(name)))
        return sink.rows


def write_products(out, fmt) -> int:
    products = {
        "product_id": product_ids(np.arange(len(CATALOG))),
        "name": pa.array([p[0] for p in CATALOG]),
        "category": pa.array([p[1] for p in CATALOG]),
        "price": decimal(np.array([p[2] for p in CATALOG])),
    }
    return write_table(out, fmt, "products", pa.table(products))


def write_events(out, fmt, ev, cal, id_width, report) -> int:
    order = stable_order(ev["secs"])
    types = pa.array(EVENT_TYPES)
    with Sink(out / f"web_events.{fmt}", schema("web_events"), fmt) as sink:
        for lo in range(0, order.size, SLICE_ROWS):
            idx = order[lo : lo + SLICE_ROWS]
            sink.write(
                pa.table(
                    {
                        "customer_id": customer_ids(ev["cust"][idx], id_width),
                        "event_at": timestamps(cal, ev["secs"][idx], 1),
                        "event_type": types.take(pa.array(ev["type"][idx])),
                        "product_id": product_ids(ev["product"][idx]),
                    },
                    schema=schema("web_events"),
                )
            )
            report.advance("writing web events", sink.rows, order.size)
        return sink.rows


def write_comms(out, fmt, cm, cal, campaigns, id_width, report) -> int:
    order = stable_order(cm["secs"])
    camp_ids = pa.array([x.campaign_id for x in campaigns], pa.string())
    camp_channel = pa.array([x.channel for x in campaigns], pa.string())
    with Sink(out / f"communications.{fmt}", schema("communications"), fmt) as sink:
        for lo in range(0, order.size, SLICE_ROWS):
            idx = order[lo : lo + SLICE_ROWS]
            camp = pa.array(cm["camp"][idx])
            sink.write(
                pa.table(
                    {
                        "customer_id": customer_ids(cm["cust"][idx], id_width),
                        "channel": camp_channel.take(camp),
                        "campaign_id": camp_ids.take(camp),
                        "sent_at": timestamps(cal, cm["secs"][idx], 1),
                    },
                    schema=schema("communications"),
                )
            )
            report.advance("writing communications", sink.rows, order.size)
        return sink.rows


def customers_table(c, cal, id_width) -> pa.Table:
    n = c["gid"].size
    ids = customer_ids(c["gid"], id_width)
    domain = pa.array(["example.com", "example.org", "example.net"]).take(pa.array(c["email_domain"]))
    email = pc.binary_join_element_wise(pc.utf8_lower(ids), domain, "@")
    blank = pa.nulls(n, pa.string())
    email = pc.choose(
        pa.array(c["email_form"]),
        email,
        pc.utf8_upper(email),
        pc.utf8_capitalize(email),
        pc.binary_join_element_wise(" ", email, ""),
        pc.binary_join_element_wise(email, "  ", ""),
        blank,
    )
    country = pa.array([x[0] for x in COUNTRIES]).take(pa.array(c["country"]))
    code = pa.array([x[2] for x in COUNTRIES]).take(pa.array(c["country"]))
    prefix = np.array([x[3] for x in COUNTRIES])[c["country"]]
    digits = np.array([x[4] for x in COUNTRIES])[c["country"]]
    scale = 10 ** (digits - np.where(prefix >= 10, 2, 1)).astype(np.int64)
    nsn = pc.cast(pa.array(prefix * scale + (c["phone_nsn"] * scale).astype(np.int64)), pa.string())
    head, mid, tail = (pc.utf8_slice_codeunits(nsn, a, b) for a, b in ((0, 3), (3, 6), (6, 20)))
    plus = pc.binary_join_element_wise("+", code, "")
    phone = pc.choose(
        pa.array(c["phone_form"]),
        pc.binary_join_element_wise(plus, nsn, ""),  # +4915123456789
        pc.binary_join_element_wise(plus, head, pc.binary_join_element_wise(mid, tail, ""), " "),
        pc.binary_join_element_wise("00", code, pc.binary_join_element_wise(" ", nsn, ""), ""),
        pc.binary_join_element_wise("0", nsn, ""),  # national format, no country code
        pc.binary_join_element_wise(plus, head, mid, tail, "-"),
        blank,
    )
    flag = pa.array(["false", "true"])
    return pa.table(
        {
            "customer_id": ids,
            "email": email,
            "phone": phone,
            "created_at": timestamps(cal, (c["created"] * DAY_S).astype(np.int64), 1),
            "country": country,
            "email_opt_in": flag.take(pa.array(c["email_opt"].astype(np.int8))),
            "sms_opt_in": flag.take(pa.array(c["sms_opt"].astype(np.int8))),
        },
        schema=schema("customers"),
    )


class Sink:
    """Appends tables to one CSV or Parquet file; counts the rows."""

    def __init__(self, path: Path, schema: pa.Schema, fmt: str):
        self.rows = 0
        if fmt == "csv":
            self._writer = pcsv.CSVWriter(str(path), schema)
        else:
            self._writer = pq.ParquetWriter(str(path), schema, compression="zstd")

    def write(self, table: pa.Table) -> None:
        self._writer.write_table(table)
        self.rows += table.num_rows

    def __enter__(self) -> Sink:
        return self

    def __exit__(self, *exc) -> None:
        self._writer.close()
