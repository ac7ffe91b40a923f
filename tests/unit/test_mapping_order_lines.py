"""An export with one row per order line and no order total (`one_row_per: order_line`): an order is its
lines with the same order_id, anywhere in the file, its amount the sum of quantity × unit_price to the cent,
and every line accounted for (tests/fixtures/order_lines, UCI's Online Retail II layout)."""

import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipeline.raw.load import load_raw_folder
from pipeline.settings.sources import SourceSettings
from pipeline.sources.mapping.spec import parse_mapping
from pipeline.sources.mapping.yaml_text import MappingError

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "order_lines"
EXPORT = "online_retail_II.csv"
# the fixture mapping's lines that map a line's quantity and unit price under orders
QUANTITY_AND_PRICE = (
    "      quantity: Quantity           # amount = the sum of Quantity × Price over the order's rows\n"
    "      unit_price: Price\n"
)


def _shop(tmp_path: Path, mapping_edits=(), export_edits=()) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE, raw)
    for name, edits in (("pulse_mapping.yml", mapping_edits), (EXPORT, export_edits)):
        text = (raw / name).read_text()
        for old, new in edits:
            assert old in text, old
            text = text.replace(old, new)
        (raw / name).write_text(text)
    return raw


def _orders(raw: Path) -> tuple[dict, dict[str, tuple]]:
    summary = load_raw_folder(raw, raw.parent / "w.duckdb", SourceSettings(pseudonym_salt="s"))
    with duckdb.connect(str(raw.parent / "w.duckdb"), read_only=True) as con:
        rows = con.sql(
            "select order_id, customer_id, ordered_at, amount, _source_row from raw.orders"
        ).fetchall()
    return summary, {row[0]: row[1:] for row in rows}


def test_lines_become_orders_whose_amount_is_the_sum_of_their_lines(tmp_path):
    summary, orders = _orders(_shop(tmp_path))
    assert set(orders) == {"489434", "489435", "489436", "489437", "C489449", "489450"}
    amounts = {order_id: Decimal(row[2]) for order_id, row in orders.items()}
    # 489434's third line comes after another order's line: still its own
    assert amounts["489434"] == 12 * Decimal("6.95") + 12 * Decimal("6.75") + 12 * Decimal("6.75")
    assert amounts["489435"] == 12 * Decimal("2.55") + 12 * Decimal("3.75")
    assert amounts["489450"] == 48 * Decimal("1.06") + 18  # postage is a line like any other
    assert amounts["C489449"] == -(12 * Decimal("2.95") + 6 * Decimal("1.65"))  # a cancellation: a refund
    # each order keeps its first line's fields and row (its lineage); a blank customer stays missing
    assert orders["489434"][0] == "13085.0" and orders["489434"][3] == 1
    assert orders["489435"][3] == 3
    assert not orders["489437"][0]
    # the lines themselves are the order items, untouched
    assert summary["order_items"]["rows"] == 13 and summary["orders"]["rows"] == 6
    assert f"{EXPORT}: 13 order lines into 6 orders" in "\n".join(summary["notes"])
    assert f"orders <- {EXPORT} (one row per order line)" in summary["notes"][0]


def test_a_decimal_comma_export_is_summed_in_its_own_format(tmp_path):
    raw = _shop(
        tmp_path,
        export_edits=[
            (",6.95,", ',"6,95",'),
            (",6.75,", ',"6,75",'),
            (",2.55,", ',"2,55",'),
            (",3.75,", ',"3,75",'),
        ],
        mapping_edits=[("tables:", 'decimal: ","\ntables:')],
    )
    _, orders = _orders(raw)
    assert Decimal(orders["489434"][2]) == Decimal("245.40")
    assert Decimal(orders["489435"][2]) == Decimal("75.60")


def test_a_line_that_does_not_parse_leaves_its_order_without_a_number_to_quarantine(tmp_path):
    _, orders = _orders(
        _shop(tmp_path, export_edits=[("LOVE BUILDING BLOCK WORD,18,", "LOVE BUILDING BLOCK WORD,n/a,")])
    )
    # not the sum of the other line: the cleaning step quarantines the order, the text in view
    assert orders["489436"][2] == "n/a × 5.45"
    assert Decimal(orders["489434"][2]) == Decimal("245.40")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            (
                QUANTITY_AND_PRICE,
                "      amount: Price\n",
            ),
            "tables.orders.columns.amount: with one_row_per: order_line an order's amount is the sum",
        ),
        (
            ("      unit_price: Price\n", ""),
            "tables.orders.columns: with one_row_per: order_line an order's amount is the sum of its lines: "
            "map unit_price (quantity × unit_price), or line_amount",
        ),
        (
            ("      unit_price: Price\n", "      unit_price: Price\n      line_amount: Price\n"),
            "tables.orders.columns: map either line_amount (a line's total) or quantity and unit_price",
        ),
        (("one_row_per: order_line", "one_row_per: line"), "'line' is not one of order, order_line"),
        (
            ("  order_items:\n    files", "  order_items:\n    one_row_per: order_line\n    files"),
            "tables.order_items.one_row_per: only the orders table takes it",
        ),
    ],
)
def test_a_wrong_line_mapping_says_what_and_where_in_one_sentence(tmp_path, edit, message):
    raw = _shop(tmp_path, mapping_edits=[edit])
    with pytest.raises(MappingError, match="pulse_mapping.yml: ") as error:
        parse_mapping(raw / "pulse_mapping.yml")
    assert message in str(error.value)


def test_without_one_row_per_each_row_is_a_whole_order_as_before(tmp_path):
    mapping = parse_mapping(
        _shop(
            tmp_path,
            mapping_edits=[
                (
                    "    one_row_per: order_line        # an order is the rows with the same Invoice\n",
                    "",
                ),
                (
                    QUANTITY_AND_PRICE,
                    "      amount: Price\n",
                ),
            ],
        )
        / "pulse_mapping.yml"
    )
    assert not mapping.tables["orders"].order_lines
    assert "amount" in mapping.tables["orders"].entity.required_columns


def test_a_line_total_column_is_summed_where_the_export_has_one(tmp_path):
    """A supermarket's basket file gives each line's total (its SALES_VALUE), not a unit price."""
    raw = _shop(
        tmp_path,
        mapping_edits=[
            (
                QUANTITY_AND_PRICE,
                "      line_amount: Price\n\n",
            )
        ],
    )
    summary, orders = _orders(raw)
    assert Decimal(orders["489434"][2]) == Decimal("6.95") + Decimal("6.75") + Decimal("6.75")
    assert Decimal(orders["C489449"][2]) == Decimal("2.95") + Decimal("1.65")  # the total as the export says
    assert "amount = the sum of line_amount" in "\n".join(summary["notes"])


def test_lines_without_an_order_id_stay_orders_of_their_own_to_quarantine(tmp_path):
    raw = _shop(
        tmp_path,
        export_edits=[
            ("489437,22143,", ",22143,"),
            ("489437,22145,", ",22145,"),
        ],
    )
    summary, orders = _orders(raw)
    with duckdb.connect(str(raw.parent / "w.duckdb"), read_only=True) as con:
        blank = con.sql(
            "select _source_row, amount from raw.orders where order_id is null order by 1"
        ).fetchall()
    # not one order of both lines: each is its own row, which the cleaning step quarantines alone
    assert blank == [(8, "12.60"), (9, "12.60")]
    assert summary["orders"]["rows"] == 7 and "489437" not in orders
