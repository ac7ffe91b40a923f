"""The PII scan: what counts as a plain e-mail or phone, and that it blocks tables and files with a clear,
masked message."""

import io
import zipfile

import pyarrow as pa
import pytest

from pipeline.privacy.contact_patterns import find_contacts, mask
from pipeline.privacy.scan import PlainContactError, preflight_file, scan_document, scan_table
from pipeline.storage import LocalFolderStore, TableSource, publish_run

NOT_CONTACTS = [
    "pk_3fa9c0d1e2b4a5968778695a4b3c2d1e",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "2024-01-05T10:00:00",
    "2024-01-05 10:00:00+00:00",
    "20240105T101010Z",
    "1234567.89",
    "-12345678",
    "1 234 567",
    "ORD-000123",
    "O000001",
    "1234567890",
    "0000012345",
    "2019-2020",
    "s3://bucket/prefix/_runs/0a1b2c3d-1234-5678.json",
    "category_share__home_garden",
]
CONTACTS = [
    ("anna.berg@example.com", "email"),
    ("+49 151 2345 6789", "phone"),
    ("(555) 123-4567", "phone"),
    ("555-123-4567", "phone"),
    ("0612345678", "phone"),
    ("0031612345678", "phone"),
    ("call +33612345678 today", "phone"),
]


@pytest.mark.parametrize("text", NOT_CONTACTS)
def test_ids_hashes_dates_and_amounts_are_not_contacts(text):
    assert find_contacts(text) == []


@pytest.mark.parametrize(("text", "kind"), CONTACTS)
def test_emails_and_phones_are_found(text, kind):
    assert [found_kind for found_kind, _ in find_contacts(text)] == [kind]


def test_masks_keep_the_shape_never_the_value():
    assert mask("email", "anna.berg@example.com") == "an***@example.com"
    assert mask("phone", "+49 151 2345 6789") == "+4***89"


def test_a_plain_email_in_a_table_blocks_with_a_masked_example():
    table = pa.table({"customer_id": ["pk_ab12", "anna.berg@example.com"], "amount": [1.5, 2.0]})
    [finding] = scan_table("customers", table)
    message = finding.sentence()
    assert message == (
        "customers, column customer_id: 1 value(s) with a plain e-mail address, e.g. an***@example.com"
    )
    assert "anna.berg" not in message


def test_an_audience_file_with_a_plain_email_is_refused(caplog):
    csv_bytes = b"customer_id,email_sha256\npk_1,ab12\nanna.berg@example.com,cd34\n"
    with pytest.raises(PlainContactError) as refused:
        preflight_file("audience_exports/lapsed.csv", csv_bytes)
    message = str(refused.value)
    assert message.startswith(
        "Not published: plain contacts found in audience_exports/lapsed.csv, column customer_id: "
        "1 value(s) with a plain e-mail address, e.g. an***@example.com."
    )
    assert "anna.berg@" not in message and "anna.berg@" not in caplog.text


def test_bundle_metadata_and_json_documents_are_scanned():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bundle.json", '{"model": "churn", "features": ["owner +44 20 7946 0958"]}')
    with pytest.raises(PlainContactError, match=r"_models/churn/x.zip:bundle.json, column features\[0\]"):
        preflight_file("_models/churn/x.zip", buffer.getvalue())
    assert scan_document("metadata", {"uri": "/tmp/published/customers", "rows": 12}) == []


def test_a_refused_manifest_leaves_nothing_published(tmp_path):
    store = LocalFolderStore(tmp_path)
    table = pa.table({"customer_id": ["pk_1"]})
    source = TableSource("customers", table.to_reader)
    with pytest.raises(PlainContactError):
        publish_run(
            store, run_id="r1", as_of="2025-01-01", as_of_source="anna@example.com", tables=[source],
            preflight=preflight_file,
        )  # fmt: skip
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []  # the created table was dropped


def test_the_check_scans_every_text_column_of_the_warehouse_table():
    import dagster as dg
    import duckdb

    from pipeline.defs.publish.published_tables import PublishedTable
    from pipeline.defs.quality.plain_contacts import scan_relation

    con = duckdb.connect()
    con.sql("create schema marts")
    con.sql(
        "create table marts.customers as select * from (values"
        " ('pk_1', 'GROCERY', ['a', 'b'], 12.5, '2024-01-05T10:00:00'),"
        " ('pk_2', 'Home', ['+49 151 2345 6789'], 3.0, '2024-01-06T10:00:00'),"
        " ('anna.berg@example.com', 'Home', [], 1.0, null))"
        " as t(customer_id, favourite_category, notes, revenue, last_seen)"
    )
    table = PublishedTable("customers", "marts.customers", dg.AssetKey("customers"))
    found = {(finding.column, finding.kind, finding.example) for finding in scan_relation(con, table)}
    assert found == {("customer_id", "email", "an***@example.com"), ("notes", "phone", "+4***89")}


ORDER_IDS = ["O7822428", "1234567890", "0000012345", "ORD-0001234567", "INV/2024/0001234", "v1.2345678"]


def test_the_pre_filters_keep_every_contact_and_drop_ids_in_duckdb_and_arrow():
    """The pre-filters decide what reaches the exact (Python) tests: every contact must pass them, and
    a column of order ids must not (at ten million orders, passing them cost the check half a minute)."""
    import duckdb

    from pipeline.privacy.contact_patterns import MAYBE_CONTACT, ONLY_DIGITS, PLAIN_PHONE
    from pipeline.privacy.scan import _maybe_contact

    values = [text for text, _ in CONTACTS] + ORDER_IDS + NOT_CONTACTS
    passed_arrow = set(pa.array(values).filter(_maybe_contact(pa.array(values))).to_pylist())
    rows = duckdb.execute(
        "select v from unnest($values) as t(v) where regexp_matches(v, $maybe) "
        "and not (regexp_matches(v, $digits) and not regexp_matches(v, $plain))",
        {"values": values, "maybe": MAYBE_CONTACT, "digits": ONLY_DIGITS, "plain": PLAIN_PHONE},
    ).fetchall()
    passed_sql = {value for (value,) in rows}
    assert passed_arrow == passed_sql
    assert {text for text, _ in CONTACTS} <= passed_sql
    assert not passed_sql & set(ORDER_IDS)
    # what the pre-filters let through and the exact test then finds is exactly the contacts
    assert {value for value in passed_sql if find_contacts(value)} == {text for text, _ in CONTACTS}
