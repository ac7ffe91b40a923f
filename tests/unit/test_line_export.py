"""demo_shop.line_export: a shape rewritten as one row per order line (Online Retail II's layout) loads
back through its own mapping into the shape's orders: every invoice an order, its amount its lines' sum."""

from decimal import Decimal

import duckdb

from demo_shop.line_export import EXPORT, write_line_export
from demo_shop.shapes import write_shape
from pipeline.raw.load import load_raw_folder
from pipeline.settings.sources import SourceSettings


def test_a_line_export_loads_back_into_the_shapes_orders(tmp_path):
    write_shape("category_drift", tmp_path / "shape", customers=150, seed=3)
    lines = write_line_export(tmp_path / "shape", tmp_path / "export", seed=3)
    summary = load_raw_folder(tmp_path / "export", tmp_path / "w.duckdb", SourceSettings(pseudonym_salt="s"))
    assert summary["order_items"]["rows"] == lines
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        invoices = con.sql(f"select count(distinct Invoice) from read_csv('{tmp_path / 'export' / EXPORT}')")
        [(expected,)] = invoices.fetchall()
        orders = dict(con.sql("select order_id, amount from raw.orders").fetchall())
    shape = duckdb.sql(
        f"select order_id, sum(cast(quantity as int) * cast(unit_price as decimal(18, 2))) "
        f"from read_csv('{tmp_path / 'shape' / 'order_items.csv'}', all_varchar = true) group by order_id"
    ).fetchall()
    assert len(orders) == expected == summary["orders"]["rows"]
    cancelled = [order_id for order_id in orders if order_id.startswith("C")]
    assert cancelled and all(Decimal(orders[order_id]) < 0 for order_id in cancelled)
    for order_id, total in shape:
        invoice = str(int(order_id[1:]) + 489000)
        assert Decimal(orders[invoice]) == total, order_id
        if f"C{invoice}" in orders:
            assert Decimal(orders[f"C{invoice}"]) == -total
