"""Which raw tables Spark's copy may keep: the digest of the files each was loaded from
(pipeline/engine/raw_copy.py), computed from the load's own record (pipeline/raw/unchanged_files.py)."""

import duckdb

from pipeline.engine.raw_copy import loaded_signatures
from pipeline.raw.unchanged_files import record_load

ORDERS = ("orders-reading", {"orders.csv": "100 1", "orders/part-2.csv": "50 2"})
EVENTS = ("events-reading", {"web_events.csv": "900 1"})


def signatures(read: dict, keyed_contacts: bool = False) -> dict[str, str]:
    con = duckdb.connect()
    record_load(con, read, keyed_contacts)
    return loaded_signatures(con)


def test_before_the_first_load_no_table_has_a_digest():
    assert loaded_signatures(duckdb.connect()) == {}


def test_each_entity_digests_its_own_files_only():
    before = signatures({"orders": ORDERS, "web_events": EVENTS})
    new_events = signatures({"orders": ORDERS, "web_events": ("events-reading", {"web_events.csv": "901 5"})})
    assert set(before) == {"orders", "web_events"}
    assert new_events["orders"] == before["orders"]
    assert new_events["web_events"] != before["web_events"]


def test_a_new_file_or_another_reading_changes_the_digest():
    before = signatures({"orders": ORDERS})["orders"]
    added = signatures({"orders": ("orders-reading", {**ORDERS[1], "orders/part-3.csv": "10 3"})})["orders"]
    reread = signatures({"orders": ("other-salt", ORDERS[1])})["orders"]
    assert len({before, added, reread}) == 3


def test_an_entity_without_files_has_no_digest_and_is_copied_every_run():
    found = signatures({"orders": ORDERS, "customers": (None, {})})
    assert set(found) == {"orders"}


def test_keyed_contacts_tie_every_digest_to_every_file():
    keyed = signatures({"orders": ORDERS, "web_events": EVENTS}, keyed_contacts=True)
    new_events = signatures(
        {"orders": ORDERS, "web_events": ("events-reading", {"web_events.csv": "901 5"})}, keyed_contacts=True
    )
    assert keyed["orders"] == keyed["web_events"]
    assert new_events["orders"] != keyed["orders"]  # raw.customers holds contacts from the events too
    assert signatures({"orders": ORDERS, "customers": (None, {})}, keyed_contacts=True) == {}
