"""A shape's shop rewritten as a till or ERP would export it: one file, one row per order line, no order
total, in the layout of UCI's Online Retail II (Invoice, StockCode, Description, Quantity, InvoiceDate,
Price, Customer ID, Country), with a column mapping that reads it (`one_row_per: order_line`).

What such exports hold and the contract's files do not: customer ids written as numbers by a spreadsheet
(`13085.0`), a fifth of the invoices without a customer (counter sales, quarantined as such), and
cancellations: a `C` invoice a few days later with the same lines at negative quantities.

    python -m demo_shop.shapes category_drift --out /tmp/shape
    python -m demo_shop.line_export /tmp/shape /tmp/line-export     # then PULSE_RAW_PATH=/tmp/line-export
"""

from pathlib import Path

from demo_shop.export_layout import export_main, seeded_session

EXPORT = "online_retail_II.csv"
NO_CUSTOMER_SHARE = 0.2
CANCELLED_SHARE = 0.02
MAPPING = """\
# Written by demo_shop/line_export.py: one row per invoice line, no invoice total (docs/column-mapping.md).
tables:
  orders:
    files: online_retail_II.csv
    one_row_per: order_line
    columns:
      order_id: Invoice
      customer_id: Customer ID
      ordered_at: InvoiceDate
      quantity: Quantity
      unit_price: Price
  order_items:
    files: online_retail_II.csv
    columns:
      order_id: Invoice
      product_id: StockCode
      quantity: Quantity
      unit_price: Price
  products:
    files: products.csv
    columns:
      product_id: StockCode
      name: Description
      category: Category
"""


def write_line_export(shape: Path, out: Path, seed: int = 42) -> int:
    """Write the export of the shape's folder (orders.csv, order_items.csv, products.csv) into `out`; returns
    its rows. Deterministic for a seed."""
    con = seeded_session(shape, out, seed)
    con.execute(
        f"""
        create table invoices as
        select
            order_id,
            cast(cast(substr(order_id, 2) as bigint) + 489000 as varchar) as invoice,
            cast(ordered_at as timestamp) as invoiced_at,
            case when random() < {NO_CUSTOMER_SHARE} then null
                 else cast(cast(substr(customer_id, 2) as bigint) + 12000 as varchar) || '.0' end as customer,
            random() < {CANCELLED_SHARE} as cancelled
        from read_csv('{shape / "orders.csv"}', all_varchar = true)
        """
    )
    lines = f"""
        select invoices.*, items.product_id, cast(items.quantity as bigint) as quantity, items.unit_price,
            products.name
        from read_csv('{shape / "order_items.csv"}', all_varchar = true) as items
        inner join invoices using (order_id)
        left join read_csv('{shape / "products.csv"}', all_varchar = true) as products using (product_id)
    """
    rows = con.execute(
        f"""
        copy (
            select Invoice, StockCode, Description, Quantity, InvoiceDate, Price, "Customer ID", Country
            from (
                select invoice as Invoice, product_id as StockCode, upper(name) as Description,
                    quantity as Quantity, strftime(invoiced_at, '%Y-%m-%d %H:%M:%S') as InvoiceDate,
                    unit_price as Price, customer as "Customer ID", 'United Kingdom' as Country,
                    invoiced_at as placed, 0 as part
                from ({lines})
                union all
                select 'C' || invoice, product_id, upper(name), -quantity,
                    strftime(invoiced_at + interval 3 day, '%Y-%m-%d %H:%M:%S'), unit_price, customer,
                    'United Kingdom', invoiced_at + interval 3 day, 1
                from ({lines}) where cancelled
            )
            order by placed, Invoice, part, StockCode
        ) to '{out / EXPORT}' (header true)
        """
    ).fetchall()[0][0]
    con.execute(
        f"""
        copy (select product_id as StockCode, upper(name) as Description, category as Category
              from read_csv('{shape / "products.csv"}', all_varchar = true))
        to '{out / "products.csv"}' (header true)
        """
    )
    (out / "pulse_mapping.yml").write_text(MAPPING)
    return rows


def main(argv: list[str] | None = None) -> int:
    written = f"{EXPORT}: {{rows:,}} invoice lines written to {{out}}, with pulse_mapping.yml"
    return export_main(argv, "demo_shop.line_export", __doc__, write_line_export, written)


if __name__ == "__main__":
    raise SystemExit(main())
