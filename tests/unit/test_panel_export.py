"""demo_shop.panel_export: a shape rewritten as a basket panel (The Complete Journey's layout: days numbered,
lines priced by their discounted total) loads back through its own mapping into the shape's baskets, on the
shape's days, each basket's amount the sum of its lines' SALES_VALUE."""

from decimal import Decimal

import duckdb

from demo_shop.panel_export import EXPORT, write_panel_export
from demo_shop.shapes import write_shape
from pipeline.raw.load import load_raw_folder
from pipeline.settings.sources import SourceSettings


def test_a_panel_export_loads_back_into_the_shapes_baskets_on_their_days(tmp_path):
    write_shape("category_drift", tmp_path / "shape", customers=150, seed=3)
    lines = write_panel_export(tmp_path / "shape", tmp_path / "panel", seed=3)
    summary = load_raw_folder(tmp_path / "panel", tmp_path / "w.duckdb", SourceSettings(pseudonym_salt="s"))
    assert summary["order_items"]["rows"] == lines
    con = duckdb.connect()
    con.execute(
        f"create view panel as select * from read_csv('{tmp_path / 'panel' / EXPORT}', all_varchar = true)"
    )
    totals = dict(
        con.sql("select BASKET_ID, sum(cast(SALES_VALUE as decimal(18, 2))) from panel group by 1").fetchall()
    )
    [(discounted, uneven)] = con.sql(
        "select count(*) filter (where cast(RETAIL_DISC as double) < 0), "
        "count(*) filter (where cast(SALES_VALUE as decimal(18, 2)) * 100 % cast(QUANTITY as int) <> 0) "
        "from panel"
    ).fetchall()
    days = dict(
        con.sql(
            "select cast(substr(order_id, 2) as bigint) + 26984851471, "
            "cast(cast(ordered_at as timestamp) as date) "
            f"from read_csv('{tmp_path / 'shape' / 'orders.csv'}', all_varchar = true)"
        ).fetchall()
    )
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as warehouse:
        orders = warehouse.sql("select order_id, ordered_at, amount from raw.orders").fetchall()
        [(unpriced, priced)] = warehouse.sql(
            "select count(*) filter (where unit_price is null), count(line_amount) from raw.order_items"
        ).fetchall()
    assert len(orders) == len(totals) == summary["orders"]["rows"] == len(days)
    for basket, ordered_at, amount in orders:
        assert Decimal(amount) == totals[basket], basket
        assert ordered_at == days[int(basket)].isoformat(), basket  # a bare date: day numbers carry no time
    assert unpriced == priced == lines  # a total per line and no unit price, as the panel sends them
    assert discounted > 0 and uneven > 0  # some lines cost what no whole-cent unit price times quantity makes
