"""The column mapping file: parsed as plain text, every mistake named in one sentence (file, key, value), and
an export in its own words loaded onto the contract through it."""

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline import vocabulary
from pipeline.raw.errors import RawDataError
from pipeline.raw.load import load_raw_folder
from pipeline.settings import PulseSettings, SettingsError
from pipeline.settings.sources import SOURCE_FORMATS, SourceSettings
from pipeline.sources.mapping.spec import parse_mapping
from pipeline.sources.mapping.yaml_text import MappingError
from tests.unit import test_day_number_dates as day_numbers

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "mapped_export"
MAPPING = FIXTURE / "pulse_mapping.yml"


def _shop(tmp_path: Path, edit=None) -> Path:
    """The fixture shop in tmp_path/raw, its mapping text changed by `edit` (old, new) pairs."""
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE, raw)
    text = MAPPING.read_text()
    for old, new in edit or []:
        assert old in text, old
        text = text.replace(old, new)
    (raw / "pulse_mapping.yml").write_text(text)
    return raw


def _load(raw: Path, options: SourceSettings | None = None) -> dict:
    return load_raw_folder(raw, raw.parent / "w.duckdb", options or SourceSettings(pseudonym_salt="s"))


def _mapping_error(tmp_path, edit) -> str:
    raw = _shop(tmp_path, edit)
    with pytest.raises(MappingError) as error:
        _load(raw)
    return str(error.value)


def test_the_example_mapping_parses_into_tables_columns_words_and_readings():
    mapping = parse_mapping(MAPPING)
    assert list(mapping.tables) == ["orders", "order_items", "products", "customers"]
    orders = mapping.tables["orders"]
    assert orders.files == ("bestellungen*.csv",)
    assert orders.columns["ordered_at"] == "Bestelldatum"
    assert orders.values["status"]["in bearbeitung"] == "completed"  # words match lower-cased
    assert (orders.reading.timezone, orders.reading.timestamp_format, orders.reading.decimal) == (
        "Europe/Berlin",
        "%d.%m.%Y %H:%M",
        ",",
    )
    # `ja: true` stays text (no YAML booleans): the contract's flag words
    assert mapping.tables["customers"].values["email_opt_in"] == {"ja": "true", "nein": "false"}


def test_an_export_is_loaded_through_its_mapping_in_the_contract_form(tmp_path):
    summary = _load(_shop(tmp_path))
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        orders = {
            row[0]: row[1:]
            for row in con.sql(
                "select order_id, ordered_at, amount, status, channel, _source_row from raw.orders"
            ).fetchall()
        }
        items = con.sql(
            "select count(*), sum(unit_price::double * quantity::int) from raw.order_items"
        ).fetchall()
    assert orders["100002"] == ("2024-02-03T17:05:00Z", "1234.56", "completed", "ads", 2)
    assert orders["100005"] == ("2024-03-31T01:30:00Z", "12.50", "completed", "direct", 6)  # summer time
    assert orders["100009"][1] == "n/a"  # kept as sent: the cleaning step quarantines it
    assert orders["100016"][2] == "completed"  # 'in Bearbeitung'
    with (FIXTURE / "positionen.csv").open(encoding="utf-8") as handle:
        lines = [line.rstrip("\n").split(";") for line in handle][1:]
    german = [int(q) * float(p.replace(".", "").replace(",", ".")) for *_, q, p in lines]
    assert items == [(len(lines), pytest.approx(sum(german)))]  # '1.199,00' is 1199.0
    assert summary["orders"]["files"] == ["bestellungen.csv"] and summary["customers"]["rows"] == 7
    assert summary["notes"][0].startswith(f"Column mapping {tmp_path / 'raw' / 'pulse_mapping.yml'}")
    assert "orders <- bestellungen.csv; order_items <- positionen.csv" in summary["notes"][0]


def test_an_unknown_contract_column_is_named_with_its_near_match(tmp_path):
    message = _mapping_error(tmp_path, [("      order_id: Bestell-Nr.", "      order_nr: Bestell-Nr.")])
    assert message.startswith(f"{tmp_path / 'raw' / 'pulse_mapping.yml'}: tables.orders.columns.order_nr: ")
    assert "'order_nr' is not a column of orders (maybe 'order_id')" in message


def test_a_required_column_left_unmapped_is_named(tmp_path):
    message = _mapping_error(tmp_path, [("      amount: Gesamtbetrag\n", "")])
    assert (
        "tables.orders.columns: orders needs order_id, customer_id, ordered_at, amount; map amount" in message
    )


def test_order_lines_without_a_price_name_both_ways_to_price_them(tmp_path):
    message = _mapping_error(tmp_path, [("      unit_price: Einzelpreis\n", "")])
    assert message.endswith(
        "tables.order_items.columns: order_items needs order_id, product_id, quantity and unit_price or "
        "line_amount; map unit_price to your export's column names; order_items takes line_amount in place "
        "of unit_price"
    ), message


def test_a_column_missing_from_the_header_names_the_file_and_the_near_matches(tmp_path):
    message = _mapping_error(
        tmp_path,
        [
            ("ordered_at: Bestelldatum", "ordered_at: Bestell-Datum"),
            ("amount: Gesamtbetrag", "amount: Total"),
        ],
    )
    assert "tables.orders.columns: bestellungen.csv has no columns" in message
    assert "'Bestell-Datum' (for ordered_at; maybe 'Bestelldatum')" in message
    assert "'Total' (for amount; maybe 'Gesamtbetrag')" not in message  # no close spelling: no guess
    assert "'Total' (for amount)" in message and "its header: Bestell-Nr., Bestelldatum" in message


def test_status_words_without_a_mapping_stop_the_load_listing_them_and_ours(tmp_path):
    raw = _shop(
        tmp_path, [("        in Bearbeitung: completed\n", ""), ("        erstattet: refunded\n", "")]
    )
    with pytest.raises(MappingError) as error:
        _load(raw)
    message = str(error.value)
    assert "tables.orders.values.status: status words with no mapping: " in message
    assert "'in Bearbeitung' (1 row, e.g. bestellungen.csv data row 17)" in message
    assert "'erstattet' (1 row, e.g. bestellungen.csv data row 7)" in message
    assert f"map each to one of {', '.join(vocabulary.order_statuses())} (column 'Status')" in message
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:  # nothing half loaded
        assert not con.sql("select * from information_schema.tables where table_schema = 'raw'").fetchall()


def test_a_status_mapped_to_a_word_that_is_not_ours_is_refused(tmp_path):
    message = _mapping_error(tmp_path, [("storniert: cancelled", "storniert: canceled")])
    assert (
        "tables.orders.values.status.storniert: 'canceled' is not a status; map each word to one of"
        in message
    )


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("timezone: Europe/Berlin", "timezone: Berlin"), "timezone: 'Berlin' is not an IANA timezone"),
        (
            ('timestamp_format: "%d.%m.%Y %H:%M"', "timestamp_format: DD.MM.YYYY"),
            "timestamp_format: 'DD.MM.YYYY'",
        ),
        (('decimal: ","', "decimal: ;"), "decimal: ';' is not ',' or '.'"),
        (("\ntables:", "\ntabels:"), "tabels: unknown key (maybe 'tables')"),
        (("  products:", "  product:"), "tables.product: unknown key (maybe 'products')"),
        (("files: positionen.csv", "files: ../positionen.csv"), "must name files inside the raw folder"),
        (("files: artikel.csv", "files: artikel_*.csv"), "tables.products.files: no file in"),
        (
            ("      channel:\n        Newsletter", "      campaign_id:\n        Newsletter"),
            "'campaign_id' is not mapped",
        ),
        (
            ("        storniert: cancelled", "        Storniert: cancelled\n        storniert: cancelled"),
            "twice",
        ),
        (
            ("      currency: Währung", "      currency: Währung\n      currency: Währung"),
            "'currency' is written twice",
        ),
        (("        Direkt: direct", "        Direkt: [direct]"), "must be a text value, found a list"),
        (("timezone: Europe/Berlin", "timezone: Europe/Berlin: x"), "not valid YAML at line"),
    ],
)
def test_each_mistake_is_one_sentence_naming_the_key(tmp_path, edit, expected):
    message = _mapping_error(tmp_path, [edit])
    assert message.startswith(str(tmp_path / "raw" / "pulse_mapping.yml")) and expected in message
    assert "\n" not in message


def test_the_mapping_setting_chooses_the_format_and_says_where_it_was(tmp_path):
    assert "mapping" in SOURCE_FORMATS
    sources = PulseSettings.from_env({"PULSE_SOURCE_MAPPING": "/shop/mapping.yml"}).sources
    assert (sources.source_format, sources.source_mapping) == ("mapping", "/shop/mapping.yml")
    with pytest.raises(SettingsError, match="PULSE_SOURCE_MAPPING is set but PULSE_SOURCE_FORMAT='shopify'"):
        PulseSettings.from_env({"PULSE_SOURCE_MAPPING": "m.yml", "PULSE_SOURCE_FORMAT": "shopify"})

    raw = _shop(tmp_path)
    elsewhere = (raw / "pulse_mapping.yml").rename(tmp_path / "shop-mapping.yml")
    summary = _load(raw, SourceSettings(source_format="mapping", source_mapping=str(elsewhere)))
    assert f"Column mapping {elsewhere} (PULSE_SOURCE_MAPPING)" in summary["notes"][0]
    with pytest.raises(MappingError, match=re.escape("PULSE_SOURCE_MAPPING=nope.yml: no such file")):
        _load(raw, SourceSettings(source_format="mapping", source_mapping="nope.yml"))
    with pytest.raises(MappingError, match="PULSE_SOURCE_FORMAT=mapping but there is no pulse_mapping.yml"):
        _load(raw, SourceSettings(source_format="mapping"))


def test_a_mapping_beside_the_files_wins_over_the_contract_files_unless_contract_is_forced(tmp_path):
    raw = _shop(tmp_path)
    (raw / "orders.csv").write_text("order_id,customer_id,ordered_at,amount\no1,c1,2024-01-01,5\n")
    assert _load(raw)["orders"]["files"] == ["bestellungen.csv"]
    contract = SourceSettings(source_format="contract", pseudonym_salt="s")
    assert _load(raw, contract)["orders"]["files"] == ["orders.csv"]


def test_the_documented_example_is_the_tested_fixture():
    doc = (REPO / "docs" / "column-mapping.md").read_text()
    # the first example is this fixture's; the one of one_row_per: order_line is tests/fixtures/order_lines';
    # the one of day numbers is tests/unit/test_day_number_dates.py's
    example, lines_example, days_example = re.findall(r"```yaml\n(.*?)```", doc, flags=re.DOTALL)
    assert example == MAPPING.read_text()
    assert lines_example == (REPO / "tests" / "fixtures" / "order_lines" / "pulse_mapping.yml").read_text()
    assert days_example == day_numbers.MAPPING


def test_a_wrong_orders_file_under_a_mapping_names_their_column_and_the_mapping_key(tmp_path):
    raw = _shop(tmp_path, [('timestamp_format: "%d.%m.%Y %H:%M"', 'timestamp_format: "%Y-%m-%d %H:%M"')])
    sentence = (
        "bestellungen.csv: 0 of 17 rows are clean: every ordered_at ('Bestelldatum') is unparseable, "
        "e.g. '15.01.2024 09:30' (data row 1); set timestamp_format in pulse_mapping.yml or see "
        "docs/data-contract.md#dates-and-numbers"
    )
    with pytest.raises(RawDataError, match=f"^{re.escape(sentence)}$"):
        _load(raw)
    assert "docs/column-mapping.md" in MappingError.advice and "data-contract" in RawDataError.advice


def test_a_table_may_state_its_own_reading_over_the_file_wide_one(tmp_path):
    raw = _shop(tmp_path, [("    files: kunden.csv\n", "    files: kunden.csv\n    timezone: UTC\n")])
    mapping = parse_mapping(raw / "pulse_mapping.yml")
    customers, orders = mapping.tables["customers"].reading, mapping.tables["orders"].reading
    assert (customers.timezone, customers.timestamp_format) == ("UTC", "%d.%m.%Y %H:%M")
    assert orders.timezone == "Europe/Berlin"
    _load(raw)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        [(created,)] = con.sql("select created_at from raw.customers where _source_row = 1").fetchall()
    assert created == "2024-01-10T08:00:00Z"  # '10.01.2024 08:00' read as UTC, not Berlin time
