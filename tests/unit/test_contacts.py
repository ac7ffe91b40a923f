"""Contact normalisation and hashing: ad platforms' formats, computed by DuckDB, checked with hashlib."""

import hashlib

import pandas as pd
import pyarrow as pa
import pytest

from targeting.contacts import hash_emails, hash_phones, normalize_emails, normalize_phones


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("anna.schmidt@example.com", "anna.schmidt@example.com"),
        ("  Anna.Schmidt@Example.COM\t", "anna.schmidt@example.com"),
        ("ANNA+news@example.co.uk\n", "anna+news@example.co.uk"),
        ("", None),
        ("   ", None),
        (None, None),
        ("no-at-sign.example.com", None),
        ("two@@example.com", None),
        ("inner space@example.com", None),
        ("nodot@localhost", None),
    ],
)
def test_email_normalisation(raw, expected):
    assert normalize_emails([raw]).to_pylist() == [expected]


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("+4915123456789", "DE", "4915123456789"),
        ("+49 151 234 56789", None, "4915123456789"),  # international: no country needed
        ("+49-151-234-56789", "FR", "4915123456789"),  # the number's own code wins over the country
        ("0049 15123456789", "DE", "4915123456789"),  # 00 prefix means +
        ("015123456789", "DE", "4915123456789"),  # national: trunk 0 dropped, dialling code added
        ("0151 / 234.567-89", "de ", "4915123456789"),  # slashes, dots, dashes; country case and spaces
        ("+49 (0)30 1234567", "DE", "49301234567"),  # the "(0)" written inside an international number
        ("(030) 1234567", "DE", "49301234567"),
        ("06 12 34 56 78", "FR", "33612345678"),
        ("06 1234 5678", "IT", "390612345678"),  # Italy keeps the leading 0
        ("(650) 555-1212", "US", "16505551212"),
        ("1 650 555 1212", "US", "16505551212"),  # NANP trunk 1
        ("512 345 678", "PL", "48512345678"),  # no trunk prefix
        ("015123456789", None, None),  # national number, unknown country
        ("015123456789", "XX", None),  # national number, country not in the table
        ("+49 151 2345 6789 ext 12", "DE", None),
        ("++4915123456789", "DE", None),
        ("+0049151234567", "DE", None),  # E.164 never starts with 0
        ("+49 123", "DE", None),  # too short
        ("+1234567890123456", "DE", None),  # longer than E.164's 15 digits
        ("", "DE", None),
        (None, "DE", None),
    ],
)
def test_phone_normalisation_to_e164_digits(raw, country, expected):
    assert normalize_phones([raw], [country]).to_pylist() == [expected]


def test_hashes_are_sha256_hex_of_the_normalised_value():
    emails = [" Anna.Schmidt@Example.com ", "bad", None]
    assert hash_emails(emails).to_pylist() == [sha256("anna.schmidt@example.com"), None, None]
    phones, countries = ["+49 151 234 56789", "0151 23456789", "x"], ["DE", "DE", "DE"]
    assert hash_phones(phones, countries).to_pylist() == [sha256("4915123456789")] * 2 + [None]
    # Google Customer Match hashes the E.164 form with its "+"
    assert hash_phones(phones, countries, with_plus=True).to_pylist()[0] == sha256("+4915123456789")
    # pinned digests, computed independently, so a change of rule cannot go unnoticed
    assert hash_phones(["+49 151 234 56789"]).to_pylist() == [
        "c0f8f0bebbbac96451ee8d8def84a02ae9e34c877775437cb9d458328315afa7"
    ]
    assert hash_emails(["ANNA.SCHMIDT@example.com"]).to_pylist() == [
        "97f63aac346999c85faa46576e304ccbbe8afef6382cccfa95ce5200f8d0bfd3"
    ]


def test_accepts_pandas_and_arrow_columns():
    series = pd.Series(["a@b.de", None, "C@D.de"], dtype="string")
    assert normalize_emails(series).to_pylist() == ["a@b.de", None, "c@d.de"]
    chunked = pa.chunked_array([["+4930123456"], ["0301234567"]])
    assert normalize_phones(chunked, pa.array(["DE", "DE"])).to_pylist() == ["4930123456", "49301234567"]
    assert normalize_emails([]).to_pylist() == []
    with pytest.raises(ValueError, match="2 values but 1 countries"):
        normalize_phones(["1", "2"], ["DE"])
