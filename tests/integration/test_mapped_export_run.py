"""A shop export in no preset's layout (German column names and status words, `;`, decimal commas,
`DD.MM.YYYY HH:MM` in Europe/Berlin) read through its column mapping file by the whole pipeline: it
publishes, every order row is accounted for, amounts and times are converted right, no plain e-mail is
published. The expected values are worked out here from the fixture's text, not by the pipeline's code."""

import csv
import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_paths
from tests.integration.pipeline_runs import published_contacts, pulse_settings, run_job_in_process

pytestmark = pytest.mark.integration

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "mapped_export"
# the mapping's status words, lower-cased as it matches them
STATUS = {"abgeschlossen": "completed", "in bearbeitung": "completed", "storniert": "cancelled"}
STATUS["erstattet"] = "refunded"


def _euro(text: str) -> float | None:
    """'1.234,56' -> 1234.56; None for what is not a German amount."""
    plain = text.replace(".", "").replace(",", ".")
    try:
        return float(plain)
    except ValueError:
        return None


def _orders() -> list[dict[str, str]]:
    with (FIXTURE / "bestellungen.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


@pytest.fixture(scope="module")
def mapped_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mapped")
    shutil.copytree(FIXTURE, tmp / "raw")
    # kept outside the raw folder and named by the setting, as a shop with a read-only export folder would
    mapping = (tmp / "raw" / "pulse_mapping.yml").rename(tmp / "our-mapping.yml")
    settings = {**run_paths(tmp), "PULSE_SOURCE_MAPPING": str(mapping), "PULSE_PSEUDONYM_SALT": "test-salt"}
    with pulse_settings(settings):
        result = run_job_in_process()
    return result, tmp


def _query(tmp: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(tmp / "warehouse.duckdb"), read_only=True) as con:
        return con.sql(sql).fetchall()


def test_the_mapped_export_publishes_and_every_order_row_is_accounted_for(mapped_run):
    result, tmp = mapped_run
    assert result.success, [event.message for event in result.all_events if event.is_failure]
    failed = [e.check_name for e in result.get_asset_check_evaluations() if not e.passed]
    assert not failed
    assert (tmp / "published" / "_manifest.json").is_file()
    notes = [
        m for m in result.get_asset_materialization_events() if "source_notes" in m.materialization.metadata
    ]
    [note] = [str(m.materialization.metadata["source_notes"].value) for m in notes]
    assert "Column mapping" in note and "PULSE_SOURCE_MAPPING" in note

    rows = _orders()
    cancelled = {r["Bestell-Nr."] for r in rows if STATUS[r["Status"].strip().lower()] == "cancelled"}
    unreadable = {r["Bestell-Nr."] for r in rows if _euro(r["Gesamtbetrag"]) is None}
    [(raw, clean, quarantined, duplicates, after)] = _query(
        tmp,
        "select raw_rows, clean_rows, quarantined_rows, duplicates_collapsed, after_as_of_rows"
        " from marts.order_reconciliation",
    )
    assert (raw, duplicates, after) == (len(rows), 0, 0)
    assert (clean, quarantined) == (len(rows) - len(cancelled) - len(unreadable), len(cancelled | unreadable))
    reasons = dict(_query(tmp, "select order_id, reason from marts.quarantined_orders"))
    assert reasons == {
        **dict.fromkeys(cancelled, "cancelled"),
        **dict.fromkeys(unreadable, "non_numeric_amount"),
    }


def test_amounts_and_berlin_times_are_converted(mapped_run):
    _, tmp = mapped_run
    columns = "order_id, ordered_at, amount, gross_amount, status, is_refund, channel"
    facts = {
        order_id: (ordered_at, float(amount), float(gross), status, is_refund, channel)
        for order_id, ordered_at, amount, gross, status, is_refund, channel in _query(
            tmp, f"select {columns} from marts.fct_orders"
        )
    }
    utc = datetime  # the warehouse keeps timestamps as UTC without a zone
    # winter time (UTC+1) until the night of 31 March 2024, summer time (UTC+2) after 02:00 that night
    assert facts["100004"][0] == utc(2024, 3, 31, 0, 30)
    assert facts["100005"][0] == utc(2024, 3, 31, 1, 30)
    assert facts["100008"][0] == utc(2024, 7, 21, 14, 20)
    assert facts["100011"][0] == utc(2024, 10, 27, 2, 30)  # back to winter time at 03:00 that night
    assert facts["100002"][2] == pytest.approx(1234.56)  # '1.234,56': a thousands point, a decimal comma
    assert facts["100002-G"][1] == pytest.approx(-34.56) and facts["100002-G"][4]  # '-34,56': a refund
    assert facts["100006"][1:4] == (0.0, 89.0, "refunded")  # erstattet: nets to zero
    assert facts["100016"][3] == "completed"  # 'in Bearbeitung', mapped
    assert facts["100001"][5] == "email" and facts["100002"][5] == "ads"  # Newsletter, Google

    expected_net = sum(
        _euro(r["Gesamtbetrag"])
        for r in _orders()
        if STATUS[r["Status"].strip().lower()] == "completed" and _euro(r["Gesamtbetrag"]) is not None
    )
    assert sum(f[1] for f in facts.values()) == pytest.approx(expected_net)
    opted_in = dict(_query(tmp, "select email, email_opt_in from staging.stg_shop__customers"))
    assert opted_in["anna.schmidt@example.org"] is True and opted_in["emma.fischer@example.org"] is True  # JA
    assert opted_in["ben.mueller@example.org"] is False


def test_no_plain_email_or_phone_is_published(mapped_run):
    _, tmp = mapped_run
    findings = published_contacts(tmp / "published")
    assert not findings, [finding.sentence() for finding in findings]
    keys = _query(tmp, "select distinct customer_id from marts.fct_orders")
    assert keys and all(key.startswith("pk_") for (key,) in keys)
