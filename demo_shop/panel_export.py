"""A shape's shop rewritten as a supermarket's basket panel exports it, in the layout of dunnhumby's The
Complete Journey: `transaction_data.csv` with one row per basket line (household_key, BASKET_ID, DAY,
PRODUCT_ID, QUANTITY, SALES_VALUE, STORE_ID, RETAIL_DISC, TRANS_TIME, WEEK_NO) and `product.csv` (the
catalogue by DEPARTMENT and COMMODITY_DESC), with a column mapping that reads them.

What such a panel holds and the contract's files do not: days numbered from the panel's own day 1 instead
of dates (`timestamp_format: days since ...`), no basket total and no unit price, only each line's total
after the loyalty discount (SALES_VALUE; the discount in RETAIL_DISC), so three units may cost 1.00.

    python -m demo_shop.shapes category_drift --out /tmp/shape
    python -m demo_shop.panel_export /tmp/shape /tmp/panel      # then PULSE_RAW_PATH=/tmp/panel
"""

from pathlib import Path

from demo_shop.export_layout import export_main, seeded_session

EXPORT = "transaction_data.csv"
CATALOGUE = "product.csv"
DISCOUNTED_SHARE = 0.15  # lines with a loyalty discount: a third off, rounded to the cent
MAPPING = """\
# Written by demo_shop/panel_export.py: one row per basket line, days numbered (docs/column-mapping.md).
tables:
  orders:
    files: transaction_data.csv
    one_row_per: order_line
    timestamp_format: days since {origin}   # DAY 1 is the day after
    columns:
      order_id: BASKET_ID
      customer_id: household_key
      ordered_at: DAY
      line_amount: SALES_VALUE
  order_items:
    files: transaction_data.csv
    columns:
      order_id: BASKET_ID
      product_id: PRODUCT_ID
      quantity: QUANTITY
      line_amount: SALES_VALUE
  products:
    files: product.csv
    columns:
      product_id: PRODUCT_ID
      name: SUB_COMMODITY_DESC
      category: DEPARTMENT
"""


def write_panel_export(shape: Path, out: Path, seed: int = 42) -> int:
    """Write the panel of the shape's folder (orders.csv, order_items.csv, products.csv) into `out`; returns
    its lines. Deterministic for a seed."""
    con = seeded_session(shape, out, seed)
    con.execute(
        f"""
        create table baskets as
        select
            order_id,
            cast(substr(customer_id, 2) as bigint) as household_key,
            cast(substr(order_id, 2) as bigint) + 26984851471 as basket_id,
            cast(ordered_at as timestamp) as placed,
            300 + cast(floor(random() * 40) as int) as store_id
        from read_csv('{shape / "orders.csv"}', all_varchar = true)
        """
    )
    [(first_day,)] = con.execute("select min(cast(placed as date)) from baskets").fetchall()
    origin = con.execute("select ?::date - 1", [first_day]).fetchall()[0][0]
    rows = con.execute(
        f"""
        copy (
            select household_key, BASKET_ID, DAY, PRODUCT_ID, QUANTITY,
                cast(gross + RETAIL_DISC as decimal(18, 2)) as SALES_VALUE, STORE_ID, RETAIL_DISC,
                TRANS_TIME, cast((DAY - 1) // 7 + 1 as int) as WEEK_NO
            from (
                select
                    baskets.household_key,
                    baskets.basket_id as BASKET_ID,
                    cast(date_diff('day', date '{origin}', cast(baskets.placed as date)) as int) as DAY,
                    cast(substr(items.product_id, 2) as bigint) + 1000000 as PRODUCT_ID,
                    cast(items.quantity as int) as QUANTITY,
                    items.gross,
                    case when random() < {DISCOUNTED_SHARE} then -round(items.gross / 3, 2) else 0 end
                        as RETAIL_DISC,
                    baskets.store_id as STORE_ID,
                    strftime(baskets.placed, '%H%M') as TRANS_TIME,
                    baskets.placed
                from (
                    select *, cast(quantity as int) * cast(unit_price as decimal(18, 2)) as gross
                    from read_csv('{shape / "order_items.csv"}', all_varchar = true)
                ) as items
                inner join baskets using (order_id)
            )
            order by placed, BASKET_ID, PRODUCT_ID
        ) to '{out / EXPORT}' (header true)
        """
    ).fetchall()[0][0]
    con.execute(
        f"""
        copy (
            select cast(substr(product_id, 2) as bigint) + 1000000 as PRODUCT_ID, 69 as MANUFACTURER,
                upper(category) as DEPARTMENT, 'Private' as BRAND, upper(name) as COMMODITY_DESC,
                upper(name) as SUB_COMMODITY_DESC, '' as CURR_SIZE_OF_PRODUCT
            from read_csv('{shape / "products.csv"}', all_varchar = true)
        ) to '{out / CATALOGUE}' (header true)
        """
    )
    (out / "pulse_mapping.yml").write_text(MAPPING.format(origin=origin))
    return rows


def main(argv: list[str] | None = None) -> int:
    written = f"{EXPORT}: {{rows:,}} basket lines written to {{out}}, with {CATALOGUE} and pulse_mapping.yml"
    return export_main(argv, "demo_shop.panel_export", __doc__, write_panel_export, written)


if __name__ == "__main__":
    raise SystemExit(main())
