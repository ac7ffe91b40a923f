"""The PII scan: plain e-mails and phones in tables, JSON documents and files about to be published.

Findings name the table or file, the column (or JSON path) and one masked example, never the value.
"""

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.privacy.contact_patterns import MAYBE_CONTACT, ONLY_DIGITS, PLAIN_PHONE, find_contacts, mask
from pipeline.storage import PublishRefused

KIND_NAMES = {"email": "e-mail address", "phone": "phone number"}


@dataclass(frozen=True)
class Finding:
    location: str  # a published table, or a file's key
    column: str  # a column, or a JSON path inside a document
    kind: str  # 'email' | 'phone'
    example: str  # masked
    count: int  # values in that column holding one

    def sentence(self) -> str:
        return (
            f"{self.location}, column {self.column}: {self.count} value(s) with a plain "
            f"{KIND_NAMES[self.kind]}, e.g. {self.example}"
        )


class PlainContactError(PublishRefused):
    """Something about to be published holds a plain e-mail or phone; the message names where."""


def blocking_message(findings: list[Finding]) -> str:
    return (
        "Not published: plain contacts found in "
        + "; ".join(finding.sentence() for finding in findings)
        + ". Plain e-mails and phones stay in the warehouse (raw.customers); customer keys that are "
        "contacts are pseudonymised by the sources, so map the column that holds them to a contact "
        "field, not to a published one."
    )


def scan_values(location: str, column: str, values: Iterable[object]) -> list[Finding]:
    """One finding per kind of contact among `values` (strings; anything else is skipped)."""
    counts: dict[str, int] = {}
    examples: dict[str, str] = {}
    for value in values:
        if not isinstance(value, str):
            continue
        kinds = {}
        for kind, found in find_contacts(value):
            kinds.setdefault(kind, found)
        for kind, found in kinds.items():
            counts[kind] = counts.get(kind, 0) + 1
            examples.setdefault(kind, mask(kind, found))
    return [Finding(location, column, kind, examples[kind], counts[kind]) for kind in sorted(counts)]


def _string_columns(table: pa.Table) -> Iterator[tuple[str, pa.ChunkedArray]]:
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            yield name, column
        elif pa.types.is_nested(column.type):  # lists and structs: scanned as their JSON text
            yield name, pa.chunked_array([[json.dumps(v, default=str) for v in column.to_pylist()]])


def _maybe_contact(values: pa.Array) -> pa.Array:
    """The values that pass the pre-filters (contact_patterns.py); only those are tested exactly."""
    digits_only = pc.and_not(
        pc.match_substring_regex(values, ONLY_DIGITS), pc.match_substring_regex(values, PLAIN_PHONE)
    )
    return pc.and_not(pc.match_substring_regex(values, MAYBE_CONTACT), digits_only)


def scan_table(location: str, table: pa.Table) -> list[Finding]:
    """Every string column of `table` (nested columns as JSON text)."""
    findings = []
    for name, column in _string_columns(table):
        distinct = pc.unique(column.drop_null())
        suspects = pc.filter(distinct, _maybe_contact(distinct))
        findings += scan_values(location, name, suspects.to_pylist())
    return findings


def _leaves(document: object, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(document, Mapping):
        for key, value in document.items():
            yield from _leaves(key, f"{path}.{key}(key)".lstrip("."))
            yield from _leaves(value, f"{path}.{key}".lstrip("."))
    elif isinstance(document, list | tuple):
        for index, value in enumerate(document):
            yield from _leaves(value, f"{path}[{index}]")
    elif document is not None and not isinstance(document, bool | int | float):
        yield path or "(document)", str(document)


def scan_document(location: str, document: object) -> list[Finding]:
    """Every string leaf (and key) of a JSON-like document; the column is the leaf's path."""
    by_path: dict[str, list[str]] = {}
    for path, text in _leaves(document):
        by_path.setdefault(path, []).append(text)
    return [finding for path, texts in by_path.items() for finding in scan_values(location, path, texts)]


def scan_file(key: str, data: bytes) -> list[Finding]:
    """A file about to be published: CSV by column, JSON by path, a zip by its JSON members."""
    if key.endswith(".csv"):
        # read as text: a phone-shaped column must not become a number the scan would skip
        rows = list(csv.reader(io.StringIO(data.decode("utf-8", errors="replace"))))
        header, body = (rows[0], rows[1:]) if rows else ([], [])
        return [
            finding
            for index, name in enumerate(header)
            for finding in scan_values(key, name, {row[index] for row in body if index < len(row)})
        ]
    if key.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [
                finding
                for member in archive.namelist()
                if member.endswith(".json")
                for finding in scan_document(f"{key}:{member}", json.loads(archive.read(member)))
            ]
    if key.endswith(".json"):
        return scan_document(key, json.loads(data))
    return scan_values(key, "(text)", [data.decode("utf-8", errors="replace")])


def refuse_contacts(findings: list[Finding]) -> None:
    if findings:
        raise PlainContactError(blocking_message(findings))


def preflight_file(key: str, data: bytes) -> None:
    """Raise PlainContactError when the file holds a plain contact."""
    refuse_contacts(scan_file(key, data))
