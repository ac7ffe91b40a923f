"""E-mail- and phone-shaped customer keys are pseudonymised where they enter; the plain value is a contact."""

import stat

import duckdb
import pytest

from pipeline.raw.load import load_raw_folder
from pipeline.settings.sources import SourceSettings
from pipeline.sources.pseudonyms import contact_kind, salt_path
from tests.conftest import write_csv

HEADER = ["order_id", "customer_id", "ordered_at", "amount"]
ROWS = [
    ["o1", " Anna.Berg@Example.com ", "2024-01-01", "10"],
    ["o2", "anna.berg@example.com", "2024-02-01", "12"],
    ["o3", "+49 30 1234567", "2024-02-02", "5"],
    ["o4", "C-17", "2024-02-03", "7"],
]


def _load(tmp_path, options=None):
    write_csv(tmp_path / "raw/orders.csv", HEADER, ROWS)
    summary = load_raw_folder(tmp_path / "raw", tmp_path / "w.duckdb", options)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        orders = con.sql("select order_id, customer_id from raw.orders order by 1").fetchall()
        customers = con.sql("select customer_id, email, phone from raw.customers order by 1").fetchall()
        text = con.sql("select string_agg(columns(*)::varchar, '|') from raw.orders").fetchall()
    return dict(orders), customers, str(text), summary["notes"]


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("a.b@example.co.uk", "email"),
        ("+49 (0)30 123-4567", "phone"),
        ("0049 30 1234567", "phone"),
        ("030 1234567", "phone"),
        ("0000012345", None),  # a zero-padded id
        ("1234567890", None),  # a plain number is the shop's id
        ("C-17", None),
        ("not an @ address", None),
    ],
)
def test_what_counts_as_an_email_or_a_phone(value, kind):
    assert contact_kind(value) == kind


def test_keys_are_pseudonymised_stably_and_the_plain_value_is_only_a_contact(tmp_path):
    orders, customers, text, notes = _load(tmp_path)
    assert orders["o1"] == orders["o2"] and orders["o1"].startswith("pk_")  # same address, same key
    assert orders["o3"].startswith("pk_") and orders["o4"] == "C-17"
    assert "@" not in text and "1234567" not in text  # nothing plain in raw.orders
    assert sorted(customers, key=str) == sorted(
        [(orders["o1"], "Anna.Berg@Example.com", None), (orders["o3"], None, "+49 30 1234567")], key=str
    )
    salt = salt_path(tmp_path / "w.duckdb")
    assert stat.S_IMODE(salt.stat().st_mode) == 0o600
    assert any(f"salt generated in {salt}" in note for note in notes)
    assert not any(salt.read_text().strip() in note for note in notes)  # the salt itself is never said
    kept = salt.read_text()
    again, _, _, notes_again = _load(tmp_path)
    assert again == orders and salt.read_text() == kept  # stable across runs, the salt made once
    assert not any("salt generated" in note for note in notes_again)


def test_a_configured_salt_is_used_and_no_salt_file_is_made(tmp_path):
    orders, _, _, _ = _load(tmp_path, SourceSettings(pseudonym_salt="shop-secret"))
    other, _, _, _ = _load(tmp_path / "other", SourceSettings(pseudonym_salt="another"))
    assert orders["o1"] != other["o1"]
    assert not salt_path(tmp_path / "w.duckdb").exists()


def test_a_customers_file_keyed_by_email_keeps_its_own_contact_and_gets_no_second_row(tmp_path):
    write_csv(
        tmp_path / "raw/customers.csv", ["customer_id", "email_opt_in"], [["anna.berg@example.com", "yes"]]
    )
    orders, customers, _, _ = _load(tmp_path)
    assert [(c[0], c[1]) for c in customers if c[1] and "anna" in c[1].lower()] == [
        (orders["o1"], "anna.berg@example.com")
    ]
