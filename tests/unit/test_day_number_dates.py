"""Day numbers instead of dates (`timestamp_format: days since YYYY-MM-DD`): a till or panel export that
counts days from its own day 1 (dunnhumby's The Complete Journey writes DAY 1 … 711 and no calendar
date) is read as dates through a column mapping; a value that is not a day number is quarantined as an
unreadable timestamp, and a malformed format is refused naming the setting. The same rows are the order lines,
priced by their total (SALES_VALUE), with the products' departments as categories."""

from pathlib import Path

import duckdb
import pytest

from pipeline.raw.load import load_raw_folder
from pipeline.settings.environment import EnvReader, SettingsError
from pipeline.settings.sources import SourceSettings
from pipeline.sources.mapping.spec import parse_mapping
from pipeline.sources.mapping.yaml_text import MappingError

# the layout of The Complete Journey's transaction_data.csv: one row per basket line, its total in
# SALES_VALUE, the day as a number
HEADER = "household_key,BASKET_ID,DAY,PRODUCT_ID,QUANTITY,SALES_VALUE,STORE_ID,RETAIL_DISC,TRANS_TIME,WEEK_NO"
BASKETS = f"""{HEADER}
2375,26984851472,1,1004906,1,1.39,364,-0.6,1631,1
2375,26984851472,1,1033142,1,0.82,364,0.0,1631,1
1364,26984896261,1,842930,1,2.19,31742,0.0,1520,1
1364,26984896261,1,897044,1,2.99,31742,-0.4,1520,1
2375,26985040735,8,981760,2,2.50,364,0.0,1119,2
1364,27008841762,711,920167,1,3.49,31742,0.0,2114,102
1364,27008841763,day 712,920167,1,3.49,31742,0.0,2114,102
"""
# docs/column-mapping.md's example, word for word (tests/unit/test_source_mapping.py checks it)
MAPPING = """tables:
  orders:
    files: transaction_data.csv
    one_row_per: order_line          # one row per basket line
    timestamp_format: days since 2018-12-31   # DAY 1 is 2019-01-01
    columns:
      order_id: BASKET_ID
      customer_id: household_key
      ordered_at: DAY
      line_amount: SALES_VALUE
  order_items:
    files: transaction_data.csv      # the same rows, read as lines
    columns:
      order_id: BASKET_ID
      product_id: PRODUCT_ID
      quantity: QUANTITY
      line_amount: SALES_VALUE       # the line's total: no unit price is sent
  products:
    files: product.csv
    columns:
      product_id: PRODUCT_ID
      name: SUB_COMMODITY_DESC
      category: DEPARTMENT
"""
# the layout of The Complete Journey's product.csv
PRODUCTS = """PRODUCT_ID,MANUFACTURER,DEPARTMENT,BRAND,COMMODITY_DESC,SUB_COMMODITY_DESC,CURR_SIZE_OF_PRODUCT
1004906,69,PRODUCE,Private,POTATOES,POTATOES RUSSET (BULK&BAG),5 LB
1033142,69,PRODUCE,Private,ONIONS,ONIONS SWEET (BULK&BAG),40 OZ
842930,2,GROCERY,National,SOFT DRINKS,SOFT DRINKS 12/18&15PK CAN CAR,12 OZ
"""


def _shop(tmp_path: Path, mapping: str = MAPPING) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "transaction_data.csv").write_text(BASKETS)
    (raw / "product.csv").write_text(PRODUCTS)
    (raw / "pulse_mapping.yml").write_text(mapping)
    return raw


def test_day_numbers_become_dates_counted_from_the_day_named(tmp_path):
    raw = _shop(tmp_path)
    summary = load_raw_folder(raw, tmp_path / "w.duckdb", SourceSettings(pseudonym_salt="s"))
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        rows = con.sql("select order_id, customer_id, ordered_at, amount from raw.orders").fetchall()
    orders = {row[0]: row[1:] for row in rows}
    assert orders["26984851472"] == ("2375", "2019-01-01", "2.21")
    assert orders["26984896261"][1] == "2019-01-01"
    assert orders["26985040735"][1] == "2019-01-08"
    assert orders["27008841762"][1] == "2020-12-11"  # day 711
    # a value that is no day number is kept as sent, for cleaning to quarantine with its reason
    assert orders["27008841763"][1] == "day 712"
    notes = "\n".join(summary["notes"])
    assert "ordered_at as pulse_mapping.yml timestamp_format days since 2018-12-31" in notes


def test_the_basket_lines_are_order_items_priced_by_their_sales_value(tmp_path):
    load_raw_folder(_shop(tmp_path), tmp_path / "w.duckdb", SourceSettings(pseudonym_salt="s"))
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        lines = con.sql(
            "select order_id, product_id, quantity, unit_price, line_amount from raw.order_items "
            "order by _source_row"
        ).fetchall()
        products = con.sql("select product_id, name, category from raw.products order by _source_row")
        products = products.fetchall()
    assert len(lines) == 7  # every line of the file, the undated one too (cleaning decides about its order)
    assert lines[4] == ("26985040735", "981760", "2", None, "2.50")  # two units for 2.50 in all
    assert products[0] == ("1004906", "POTATOES RUSSET (BULK&BAG)", "PRODUCE")


def test_a_malformed_day_origin_is_refused_naming_the_setting(tmp_path):
    raw = _shop(tmp_path, MAPPING.replace("days since 2018-12-31", "days since 2018-13-31"))
    with pytest.raises(MappingError, match=r"tables\.orders\.timestamp_format.*'days since YYYY-MM-DD'"):
        parse_mapping(raw / "pulse_mapping.yml")


def test_the_environment_setting_takes_the_same_form():
    env = {"PULSE_TIMESTAMP_FORMAT": "days since 2018-12-31", "PULSE_PSEUDONYM_SALT": "s"}
    assert SourceSettings.from_env(EnvReader(env)).timestamp_format == "days since 2018-12-31"
    with pytest.raises(SettingsError, match="PULSE_TIMESTAMP_FORMAT='days since last year'"):
        SourceSettings.from_env(EnvReader({**env, "PULSE_TIMESTAMP_FORMAT": "days since last year"}))
