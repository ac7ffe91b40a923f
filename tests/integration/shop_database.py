"""A small WooCommerce-like shop database (HPOS tables, made-up data from the demo generator) written into a
real PostgreSQL or MariaDB server, for the shop database source's end-to-end tests.

The demo shop's contract files are turned into the shop system's own shape: numeric ids, `wc-` statuses,
refunds as `shop_order_refund` rows pointing at their order, naive UTC datetimes, products and categories
in WordPress's post and term tables, phones and opt-ins in `wp_usermeta`.
"""

import csv
from pathlib import Path

import pandas as pd

from demo_shop.generate import generate_demo_shop

QUERIES = Path(__file__).resolve().parent.parent / "fixtures" / "shop_database" / "woocommerce.yml"
REFUND_IDS = 1_000_000  # refund rows get ids of their own beyond the orders'

SCHEMA = """
create table wp_wc_orders (
    id bigint primary key, status varchar(20) not null, type varchar(20) not null, currency char(3),
    total_amount decimal(26, 8), customer_id bigint, billing_email varchar(320),
    date_created_gmt {datetime}, parent_order_id bigint, utm_source varchar(40)
);
create table wp_wc_order_product_lookup (
    order_item_id bigint primary key, order_id bigint not null, product_id bigint not null,
    product_qty int not null, product_net_revenue decimal(19, 4) not null
);
create table wp_posts (id bigint primary key, post_title text, post_type varchar(20));
create table wp_wc_product_meta_lookup (
    product_id bigint primary key, sku varchar(100), min_price decimal(19, 4)
);
create table wp_terms (term_id bigint primary key, name varchar(200));
create table wp_term_taxonomy (term_taxonomy_id bigint primary key, term_id bigint, taxonomy varchar(32));
create table wp_term_relationships (object_id bigint, term_taxonomy_id bigint);
create table wp_wc_customer_lookup (
    customer_id bigint primary key, user_id bigint, email varchar(320), country char(2),
    date_registered {datetime}
);
create table wp_usermeta (
    umeta_id bigint primary key, user_id bigint, meta_key varchar(255), meta_value text
);
create table shop_exchange_rates (rate_date date, currency char(3), rate decimal(18, 8));
"""
DATETIME = {"postgresql": "timestamp", "mysql": "datetime"}


def _number(text: str) -> int:
    """`C000055`, `O00000001`, `P001` -> 55, 1, 1."""
    return int("".join(ch for ch in text if ch.isdigit()))


def _utc(values: pd.Series) -> pd.Series:
    """The demo's mixed timestamp formats as naive UTC text, as WooCommerce's *_gmt columns hold them."""
    parsed = pd.to_datetime(values, format="mixed", utc=True)
    return parsed.dt.strftime("%Y-%m-%d %H:%M:%S")


def _literal(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return "null"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _inserts(table: str, rows: list[tuple], chunk: int = 500) -> str:
    return "".join(
        f"insert into {table} values "
        + ", ".join("(" + ", ".join(_literal(v) for v in row) + ")" for row in rows[start : start + chunk])
        + ";\n"
        for start in range(0, len(rows), chunk)
    )


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False, quoting=csv.QUOTE_MINIMAL)


def shop_sql(demo_folder: Path, kind: str) -> str:
    """The schema and every row, as SQL both servers run."""
    orders, items = _read(demo_folder, "orders"), _read(demo_folder, "order_items")
    products, customers = _read(demo_folder, "products"), _read(demo_folder, "customers")
    rates = _read(demo_folder, "exchange_rates")
    orders["at"] = _utc(orders["ordered_at"])
    customers["at"] = _utc(customers["created_at"])
    emails = dict(zip(customers["customer_id"], customers["email"], strict=True))
    order_rows = []
    for i, o in enumerate(orders.itertuples()):
        refund = o.order_id.startswith("R-")
        order_rows.append((
            REFUND_IDS + i if refund else _number(o.order_id),
            "wc-completed" if o.status == "completed" else f"wc-{o.status}",
            "shop_order_refund" if refund else "shop_order",
            o.currency or None,  # blank in the demo: the reporting currency
            float(o.amount),
            _number(o.customer_id),
            emails.get(o.customer_id),
            o.at,
            _number(o.order_id) if refund else None,
            o.channel or None,
        ))  # fmt: skip
    item_rows = [
        (
            n,
            _number(i.order_id),
            _number(i.product_id),
            int(i.quantity),
            round(float(i.unit_price) * int(i.quantity), 4),
        )
        for n, i in enumerate(items.itertuples(), start=1)
    ]
    categories = {name: n for n, name in enumerate(sorted(set(products["category"])), start=1)}
    meta, meta_id = [], 0
    for c in customers.itertuples():
        for key, value in (
            ("billing_phone", c.phone or None),
            ("marketing_email_opt_in", "yes" if c.email_opt_in == "true" else "no"),
            ("marketing_sms_opt_in", "yes" if c.sms_opt_in == "true" else "no"),
        ):
            meta_id += 1
            meta.append((meta_id, _number(c.customer_id), key, value))
    return (
        SCHEMA.format(datetime=DATETIME[kind])
        + _inserts("wp_wc_orders", order_rows)
        + _inserts("wp_wc_order_product_lookup", item_rows)
        + _inserts("wp_posts", [(_number(p.product_id), p.name, "product") for p in products.itertuples()])
        + _inserts(
            "wp_wc_product_meta_lookup",
            [(_number(p.product_id), p.product_id, float(p.price)) for p in products.itertuples()],
        )
        + _inserts("wp_terms", [(n, name) for name, n in categories.items()])
        + _inserts("wp_term_taxonomy", [(n, n, "product_cat") for n in categories.values()])
        + _inserts(
            "wp_term_relationships",
            [(_number(p.product_id), categories[p.category]) for p in products.itertuples()],
        )
        + _inserts(
            "wp_wc_customer_lookup",
            [
                (_number(c.customer_id), _number(c.customer_id), c.email, c.country, c.at)
                for c in customers.itertuples()
            ],
        )
        + _inserts("wp_usermeta", meta)
        + _inserts(
            "shop_exchange_rates",
            [(r.date, r.currency, float(r.rate_to_reporting)) for r in rates.itertuples()],
        )
    )


def load_demo_shop(server, folder: Path, customers: int = 300, seed: int = 11) -> None:
    """Generate the demo shop into `folder` and write it into `server` in WooCommerce's shape."""
    generate_demo_shop(folder, customers=customers, seed=seed, dirty_share=0.0)
    server.sql(shop_sql(folder, server.kind))
