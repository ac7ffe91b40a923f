"""Raw files as shops export them: other delimiters, byte order marks, other encodings, empty files.

Each bad file gets an error naming the file, what is wrong, where, and what to do.
"""

import codecs
import gzip
import re
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.raw.errors import RawDataError
from pipeline.raw.load import load_raw_folder

HEADER = ["order_id", "customer_id", "ordered_at", "amount", "channel"]
ROWS = [["o1", "c1", "2024-01-01", "9.50", "café"], ["o2", "c2", "2024-01-02", "3", "email"]]


def _text(delimiter: str, rows: list[list[str]] = ROWS) -> str:
    return "".join(delimiter.join(line) + "\n" for line in [HEADER, *rows])


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


def _orders(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql("select order_id, amount, channel, _source_row from raw.orders order by 4").fetchall()


def _load(tmp_path: Path) -> dict:
    return load_raw_folder(tmp_path / "raw", tmp_path / "w.duckdb")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_accepted_delimiter_loads(tmp_path, delimiter):
    _write(tmp_path / "raw/orders.csv", _text(delimiter).encode())
    _load(tmp_path)
    assert _orders(tmp_path / "w.duckdb") == [("o1", "9.50", "café", 1), ("o2", "3", "email", 2)]


def test_a_comma_inside_a_semicolon_header_does_not_fool_the_sniffer(tmp_path):
    text = "order_id;customer_id;ordered_at;amount;note, free text\no1;c1;2024-01-01;1,5;a, b\n"
    _write(tmp_path / "raw/orders.csv", text.encode())
    _load(tmp_path)
    # the amount's decimal comma is read as such (docs/data-contract.md: dates and numbers)
    assert _orders(tmp_path / "w.duckdb") == [("o1", "1.5", None, 1)]


def test_semicolon_parts_in_a_folder_and_a_gzipped_file_load(tmp_path):
    _write(tmp_path / "raw/orders/2024-01.csv", _text(";", ROWS[:1]).encode())
    _write(tmp_path / "raw/orders/2024-02.csv.gz", _text(";", ROWS[1:]).encode())
    summary = _load(tmp_path)
    assert summary["orders"]["rows"] == 2


def test_utf8_with_a_byte_order_mark_loads(tmp_path):
    _write(tmp_path / "raw/orders.csv", codecs.BOM_UTF8 + _text(";").encode())
    _load(tmp_path)
    assert _orders(tmp_path / "w.duckdb")[0] == ("o1", "9.50", "café", 1)


def test_an_unaccepted_delimiter_is_named(tmp_path):
    _write(tmp_path / "raw/orders.csv", _text(":").encode())
    with pytest.raises(RawDataError) as error:
        _load(tmp_path)
    message = str(error.value)
    missing = "'order_id', 'customer_id', 'ordered_at', 'amount'"
    assert f"orders.csv: required columns {missing} are missing" in message
    assert "Accepted delimiters are comma, semicolon, tab, pipe" in message
    assert "separated by ':'" in message


@pytest.mark.parametrize("name", ["orders.csv", "orders.csv.gz", "orders/part-1.csv"])
def test_an_empty_file_says_it_is_empty(tmp_path, name):
    _write(tmp_path / "raw" / name, b"")
    with pytest.raises(
        RawDataError, match=r"the file is empty \(0 bytes.*Export it again; orders is required"
    ):
        _load(tmp_path)
    assert not (tmp_path / "w.duckdb").exists()


def test_an_empty_parquet_file_says_it_is_empty(tmp_path):
    _write(tmp_path / "raw/orders.parquet", b"")
    with pytest.raises(RawDataError, match=r"orders\.parquet: the file is empty \(0 bytes\)"):
        _load(tmp_path)


def test_a_header_without_rows_is_refused(tmp_path):
    _write(tmp_path / "raw/orders.csv", _text(",", []).encode() + b"\n\n")
    with pytest.raises(
        RawDataError, match=r"orders\.csv: a header row but no data rows\. Export orders again"
    ):
        _load(tmp_path)
    assert not (tmp_path / "w.duckdb").exists()


def test_an_optional_file_without_rows_suggests_removing_it(tmp_path):
    _write(tmp_path / "raw/orders.csv", _text(",").encode())
    _write(tmp_path / "raw/communications.csv", b"customer_id,channel,sent_at\n")
    with pytest.raises(RawDataError) as error:
        _load(tmp_path)
    assert "communications.csv: a header row but no data rows" in str(error.value)
    assert "remove the file (communications is optional)" in str(error.value)


def test_parquet_without_rows_is_refused_but_one_empty_part_among_others_is_fine(tmp_path):
    empty = pa.table({c: pa.array([], pa.string()) for c in HEADER})
    (tmp_path / "raw/orders").mkdir(parents=True)
    pq.write_table(empty, tmp_path / "raw/orders/part-0.parquet")
    _write(tmp_path / "raw/orders/part-1.csv", _text(",", []).encode())
    with pytest.raises(RawDataError, match=r"orders/ \(all 2 files\): no data rows\. Export orders again"):
        _load(tmp_path)
    _write(tmp_path / "raw/orders/part-2.csv", _text(",").encode())
    assert _load(tmp_path)["orders"]["rows"] == 2


@pytest.mark.parametrize("name", ["orders.csv", "orders.csv.gz"])
def test_latin1_in_the_head_is_named_with_line_and_byte(tmp_path, name):
    _write(tmp_path / "raw" / name, _text(",").encode("latin-1"))
    with pytest.raises(RawDataError) as error:
        _load(tmp_path)
    message = str(error.value)
    offset = _text(",").encode("latin-1").index(b"\xe9")
    assert f"{name}: not UTF-8 text: byte 0xE9 at byte {offset}, line 2 (data row 1)" in message
    assert "Latin-1" in message and "iconv -f WINDOWS-1252 -t UTF-8" in message


def test_latin1_far_down_a_big_file_is_located_after_the_streamed_load_fails(tmp_path):
    good = [[f"o{i}", "c1", "2024-01-01", "1", "email"] for i in range(20_000)]  # ~0.6 MB, beyond the head
    text = _text(",", [*good, ["late", "c2", "2024-01-02", "2", "café"]])
    _write(tmp_path / "raw/orders.csv", text.encode("latin-1"))
    with pytest.raises(RawDataError) as error:
        _load(tmp_path)
    match = re.search(r"byte 0xE9 at byte ([\d,]+), line ([\d,]+) \(data row ([\d,]+)\)", str(error.value))
    assert match, str(error.value)
    assert int(match[1].replace(",", "")) == text.encode("latin-1").index(b"\xe9")
    assert match[3] == "20,001"


@pytest.mark.parametrize(("encoding", "label"), [("utf-16", "UTF-16"), ("utf-32", "UTF-32")])
def test_utf16_and_utf32_are_named(tmp_path, encoding, label):
    _write(tmp_path / "raw/orders.csv", _text(",").encode(encoding))  # Python writes the BOM first
    with pytest.raises(RawDataError, match=rf"orders\.csv: the file is {label} encoded .* save it as UTF-8"):
        _load(tmp_path)


def test_utf16_without_a_byte_order_mark_is_not_mistaken_for_text(tmp_path):
    _write(tmp_path / "raw/orders.csv", _text(",").encode("utf-16-le"))
    with pytest.raises(RawDataError, match=r"orders\.csv: not a text file in UTF-8 \(a NUL byte"):
        _load(tmp_path)


def test_order_lines_priced_by_their_total_load_and_unpriced_lines_are_named(tmp_path):
    _write(tmp_path / "raw" / "orders.csv", _text(",").encode())
    lines = "order_id;product_id;quantity;line_amount\no1;p1;3;1,00\n"
    _write(tmp_path / "raw" / "order_items.csv", lines.encode())
    _load(tmp_path)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        loaded = con.sql("select quantity, unit_price, line_amount from raw.order_items").fetchall()
    assert loaded == [("3", None, "1.00")]  # read in the file's decimal comma like any number

    _write(tmp_path / "raw" / "order_items.csv", b"order_id,product_id,quantity,Sales Value\no1,p1,3,1.00\n")
    with pytest.raises(RawDataError) as error:
        _load(tmp_path)
    assert (
        "order_items.csv: required column 'unit_price' is missing from order_items; order_items takes "
        "line_amount (maybe 'Sales Value') in place of unit_price (found: order_id, product_id, quantity, "
        "Sales Value)"
    ) in str(error.value)
