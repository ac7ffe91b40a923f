"""Dates and numbers in a shop's own formats, detected per file and rewritten as the contract's text."""

import duckdb
import pytest

from pipeline.raw.load import load_raw_folder
from pipeline.settings import PulseSettings, SettingsError
from pipeline.settings.sources import SourceSettings

HEADER = ["order_id", "customer_id", "ordered_at", "amount"]


def _load(tmp_path, ordered_at, amounts=None, delimiter=",", options=None):
    amounts = amounts or ["10"] * len(ordered_at)
    rows = [[f"o{i}", "c", t, a] for i, (t, a) in enumerate(zip(ordered_at, amounts, strict=True))]
    path = tmp_path / "raw/orders.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [delimiter.join(HEADER)] + [delimiter.join(f'"{v}"' for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    summary = load_raw_folder(tmp_path / "raw", tmp_path / "w.duckdb", options)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        got = con.sql("select ordered_at, amount from raw.orders order by _source_row").fetchall()
    return [r[0] for r in got], [r[1] for r in got], summary["notes"]


@pytest.mark.parametrize(
    ("sent", "canonical"),
    [
        (
            ["2024-12-02 01:27:53 +0100", "2024-12-03 10:00:00 -0500"],
            ["2024-12-02T00:27:53Z", "2024-12-03T15:00:00Z"],
        ),
        (
            ["2024-12-02T01:27:53+01:00", "2024-12-03"],
            ["2024-12-02T01:27:53+01:00", "2024-12-03"],
        ),  # canonical
        (["13/02/2024 10:05", "01/03/2024 09:00"], ["2024-02-13T10:05:00Z", "2024-03-01T09:00:00Z"]),
        (["02/13/2024", "03/01/2024"], ["2024-02-13", "2024-03-01"]),
        (["13.02.2024 10:05:09", "01.03.2024"], ["2024-02-13T10:05:09Z", "2024-03-01"]),
        (["2/13/2024 1:05 PM", "3/1/2024 9:00 AM"], ["2024-02-13T13:05:00Z", "2024-03-01T09:00:00Z"]),
        (["1733102873", "1733189273"], ["2024-12-02T01:27:53Z", "2024-12-03T01:27:53Z"]),
        (["1733102873000", "1733189273500"], ["2024-12-02T01:27:53Z", "2024-12-03T01:27:53.500000Z"]),
    ],
)
def test_each_timestamp_format_becomes_iso_utc(tmp_path, sent, canonical):
    assert _load(tmp_path, sent)[0] == canonical


def test_day_and_month_all_below_13_are_decided_by_the_file_running_in_time_order(tmp_path):
    # read day first these jump about (1 Feb, 3 Jan, 5 Feb, 7 Feb); read month first they rise
    got, _, notes = _load(tmp_path, ["01/02/2024", "03/01/2024", "05/02/2024", "07/02/2024"])
    assert got == ["2024-01-02", "2024-03-01", "2024-05-02", "2024-07-02"]
    assert notes == [
        "orders.csv: ordered_at as month/day/year (every day and month is 12 or less: the file "
        "runs in time order that way)"
    ]


def test_a_day_above_12_decides_and_is_stated(tmp_path):
    _, _, notes = _load(tmp_path, ["05/01/2024", "25/01/2024"])
    assert notes == ["orders.csv: ordered_at as day/month/year (e.g. '25/01/2024' fits no other order)"]


def test_one_odd_row_does_not_flip_the_column_and_keeps_its_text(tmp_path):
    sent = [f"2024-12-0{d} 10:00:00 +0100" for d in range(1, 8)] + ["12/31/2024"]
    got, _, _ = _load(tmp_path, sent)
    assert got[:7] == [f"2024-12-0{d}T09:00:00Z" for d in range(1, 8)]
    assert got[7] == "12/31/2024"  # kept as sent: the cleaning step quarantines it as unparseable_timestamp


def test_naive_times_take_the_source_timezone_and_a_forced_format_wins(tmp_path):
    berlin = SourceSettings(source_timezone="Europe/Berlin")
    assert _load(tmp_path, ["2024-07-01 12:00:00", "2024-01-01 12:00"], options=berlin)[0] == [
        "2024-07-01T10:00:00Z",
        "2024-01-01T11:00:00Z",
    ]
    forced = SourceSettings(timestamp_format="%d %b %Y %H:%M")
    assert _load(tmp_path, ["02 Dec 2024 01:27", "12/02/2024"], options=forced)[0] == [
        "2024-12-02T01:27:00Z",
        "12/02/2024",
    ]


@pytest.mark.parametrize(
    ("amounts", "delimiter", "canonical"),
    [
        (["38,74", "1.234,56", "-5", "1 234,5"], ";", ["38.74", "1234.56", "-5", "1234.5"]),
        (["1,234.56", "38.74", "7"], ",", ["1234.56", "38.74", "7"]),
        (["1 234,56", "12,00"], ",", ["1234.56", "12.00"]),
        (["1,234", "2,500"], ";", ["1.234", "2.500"]),  # no other evidence: a semicolon file is European
        (["38.74", "12"], ";", ["38.74", "12"]),
    ],
)
def test_decimal_comma_and_thousands_separators_are_detected_per_file(
    tmp_path, amounts, delimiter, canonical
):
    assert _load(tmp_path, ["2024-01-01"] * len(amounts), amounts, delimiter)[1] == canonical


def test_a_number_that_fits_not_the_file_format_is_kept_as_sent(tmp_path):
    _, got, notes = _load(tmp_path, ["2024-01-01"] * 4, ["38,74", "12,50", "3,5", "12,5O"], ";")
    assert got == ["38.74", "12.50", "3.5", "12,5O"]
    assert notes == ["orders.csv: amount with a decimal comma"]


def test_source_settings_have_defaults_and_are_checked():
    assert PulseSettings.from_env({}).sources == SourceSettings()
    settings = PulseSettings.from_env(
        {
            "PULSE_SOURCE_TIMEZONE": "Europe/Paris",
            "PULSE_TIMESTAMP_FORMAT": "%d/%m/%Y",
            "PULSE_SOURCE_FORMAT": "Shopify",
        }
    ).sources
    assert (settings.source_timezone, settings.timestamp_format, settings.source_format) == (
        "Europe/Paris",
        "%d/%m/%Y",
        "shopify",
    )
    for name, value in [
        ("PULSE_SOURCE_TIMEZONE", "Mars/Base"),
        ("PULSE_TIMESTAMP_FORMAT", "dd/mm"),
        ("PULSE_SOURCE_FORMAT", "magento"),
    ]:
        with pytest.raises(SettingsError, match=name):
            PulseSettings.from_env({name: value})
    assert "secret" not in repr(SourceSettings(pseudonym_salt="secret"))  # the salt is never logged


def test_a_canonical_file_with_a_few_bad_values_keeps_every_value_as_sent(tmp_path):
    # the contract's own text passes untouched; only the odd values are parsed, and they fit no reading
    sent = ["2024-12-01 10:00:00", "2024-12-02T10:00:00Z", "not-a-date", "31/02/2024", "2024-12-03"]
    amounts = ["89.99", "-5", "abc", "12,5O", "7"]
    got, got_amounts, notes = _load(tmp_path, sent, amounts)
    assert got == sent
    assert got_amounts == amounts
    assert notes == []
