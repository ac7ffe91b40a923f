"""What a CSV file's first bytes say: empty or not, its encoding, its delimiter, its header, rows or none.

Only a small head sample is read (64 KiB, more only for a longer header line), so a 10 GB file is
diagnosed as fast as a small one. A wrong byte further down is located later, only if the load fails.
"""

import codecs
import csv
import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.raw.contract import RawEntity
from pipeline.raw.errors import RawDataError, export_again, not_utf8

# the delimiters a shop's export tools use; docs/data-contract.md lists the same four
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_HEAD_BYTES = 64 << 10
_MAX_HEADER_BYTES = 1 << 20
_READ_BYTES = 1 << 20
# checked in this order: a UTF-32 LE mark starts with the UTF-16 LE one
_FOREIGN_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


@dataclass(frozen=True)
class CsvHead:
    delimiter: str
    header: list[str]
    has_rows: bool  # at least one non-blank line follows the header


def _open_binary(path: Path):
    return gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")


def _read_head(path: Path) -> tuple[bytes, bool]:
    """The first bytes (at least the whole header line when it fits in 1 MiB), and whether that is all."""
    try:
        with _open_binary(path) as handle:
            head = handle.read(_HEAD_BYTES)
            while b"\n" not in head and len(head) < _MAX_HEADER_BYTES:
                more = handle.read(_HEAD_BYTES)
                if not more:
                    return head, True
                head += more
            return head, not handle.read(1)
    except (OSError, EOFError) as error:  # gzip.BadGzipFile is an OSError
        raise RawDataError(f"{path}: cannot be read ({error})") from error


def _decode(path: Path, head: bytes, complete: bool, entity: RawEntity) -> str:
    for bom, encoding in _FOREIGN_BOMS:
        if head.startswith(bom):
            raise RawDataError(
                f"{path}: the file is {encoding} encoded (it starts with a {encoding} byte order mark); "
                "save it as UTF-8 and run again."
            )
    skipped = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    if b"\x00" in head:
        offset = head.index(b"\x00")
        raise RawDataError(
            f"{path}: not a text file in UTF-8 (a NUL byte at byte {offset:,}): probably UTF-16 without a "
            f"byte order mark, or not CSV at all. Save it as UTF-8 CSV. {export_again(entity)}"
        )
    try:
        # an unfinished multi-byte character at the end of the sample is not an error
        return codecs.getincrementaldecoder("utf-8")().decode(head[skipped:], final=complete)
    except UnicodeDecodeError as error:
        offset = skipped + error.start
        raise not_utf8(path, offset, head.count(b"\n", 0, offset) + 1, head[offset]) from None


def _split_header(text: str, delimiter: str) -> tuple[list[str], int]:
    """The header fields with `delimiter`, and how many physical lines the header spans."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return next(reader, []), reader.line_num


def _pick_delimiter(text: str, entity: RawEntity) -> str:
    """The accepted delimiter that splits the header into the most contract columns (then the most fields).

    Ties go to the comma. Matching on the contract's names, not on counts alone, keeps a header such as
    `order_id;note, with comma` from being read as comma-separated.
    """
    contract = set(entity.columns)

    def score(delimiter: str) -> tuple[int, int]:
        fields, _ = _split_header(text, delimiter)
        return sum(field.strip().lower() in contract for field in fields), len(fields)

    return max(DELIMITERS, key=score)  # max keeps the first of equal scores: the comma


def guess_other_delimiter(header_line: str) -> str | None:
    """A delimiter outside the accepted four that the header line seems to use, for the error message."""
    try:
        delimiter = csv.Sniffer().sniff(header_line).delimiter
    except csv.Error:
        return None
    return None if delimiter in DELIMITERS or delimiter.isalnum() or delimiter in " _" else delimiter


def read_csv_head(path: Path, entity: RawEntity) -> CsvHead:
    head, complete = _read_head(path)
    if not head:
        what = "the file is empty (0 bytes" + (" once decompressed)" if path.name.endswith(".gz") else ")")
        raise RawDataError(f"{path}: {what}, not even a header row. {export_again(entity)}")
    text = _decode(path, head, complete, entity)
    if not text.strip():
        raise RawDataError(f"{path}: the file holds only blank lines, no header row. {export_again(entity)}")
    if not complete and "\n" not in text:
        raise RawDataError(f"{path}: the first line is longer than 1 MiB; is this a CSV file?")
    text = text.lstrip("\r\n")
    delimiter = _pick_delimiter(text, entity)
    try:
        header, header_lines = _split_header(text, delimiter)
    except csv.Error as error:
        raise RawDataError(f"{path}: cannot read the header row ({error})") from error
    after_header = text.split("\n")[header_lines:]
    has_rows = any(line.strip() for line in after_header)
    return CsvHead(delimiter=delimiter, header=header, has_rows=has_rows)


def _chunks(path: Path) -> Iterator[bytes]:
    with _open_binary(path) as handle:
        while chunk := handle.read(_READ_BYTES):
            yield chunk


def locate_invalid_utf8(path: Path) -> RawDataError | None:
    """The error naming the first byte that is not UTF-8 (streamed, 1 MiB at a time), or None if all is."""
    offset, lines, carry = 0, 1, b""  # offset: where `carry` (an unfinished character) starts in the file
    for chunk in _chunks(path):
        data = carry + chunk
        try:
            _, consumed = codecs.utf_8_decode(data, "strict", False)
        except UnicodeDecodeError as error:
            bad = error.start
            return not_utf8(path, offset + bad, lines + data.count(b"\n", 0, bad), data[bad])
        lines += data.count(b"\n", 0, consumed)
        offset += consumed
        carry = data[consumed:]
    return not_utf8(path, offset, lines, carry[0]) if carry else None
