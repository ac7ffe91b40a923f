"""One small shop whose only customer key is a plain e-mail, run end to end in process: every check passes,
nothing published holds a plain e-mail (the keys are pseudonymised), and fake credentials set in the
environment appear nowhere in the console, the run's event log or any event's metadata."""

import csv
import os
import sys
from contextlib import contextmanager

import pytest
from deltalake import DeltaTable

from demo_shop.shapes import write_shape
from tests.conftest import run_paths
from tests.integration.pipeline_runs import published_contacts, pulse_settings, run_job_in_process

pytestmark = pytest.mark.integration

FAKE_SECRETS = {
    "AWS_ACCESS_KEY_ID": "AKIAFAKEPULSE7Q3ZX9",
    "AWS_SECRET_ACCESS_KEY": "fake/Secret+Pulse/9f8e7d6c5b4a",
    "PULSE_PSEUDONYM_SALT": "salt-that-must-never-show-4c1e",
}


def _keys_to_emails(orders):
    rows = list(csv.DictReader(orders.open(newline="")))
    for row in rows:
        row["customer_id"] = f"{row['customer_id'].lower()}@example.com"
    with orders.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@contextmanager
def console_into(path):
    """Everything written to the console (Python's streams, Dagster's log handlers, dbt's child processes)
    goes to `path`."""
    sys.stdout.flush(), sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with path.open("w") as sink, pytest.MonkeyPatch.context() as patch:
        os.dup2(sink.fileno(), 1), os.dup2(sink.fileno(), 2)
        patch.setattr(sys, "stdout", sink), patch.setattr(sys, "stderr", sink)
        try:
            yield
        finally:
            sink.flush()
            os.dup2(saved[0], 1), os.dup2(saved[1], 2)
            [os.close(fd) for fd in saved]


@pytest.fixture(scope="module")
def email_keyed_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("email_keys")
    write_shape("tiny", tmp / "raw")
    _keys_to_emails(tmp / "raw" / "orders.csv")
    salt = {"PULSE_PSEUDONYM_SALT": FAKE_SECRETS["PULSE_PSEUDONYM_SALT"]}
    with pulse_settings({**run_paths(tmp), **salt}), pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            patch.setenv(name, FAKE_SECRETS[name])
        with console_into(tmp / "console.txt"):
            result = run_job_in_process()
    return result, tmp / "published", (tmp / "console.txt").read_text(errors="replace")


def test_an_email_keyed_shop_publishes_no_plain_email(email_keyed_run):
    result, published, _ = email_keyed_run
    assert result.success, [event.message for event in result.all_events if event.is_failure]
    evaluations = result.get_asset_check_evaluations()
    scans = [e for e in evaluations if e.check_name.endswith("_has_no_plain_contacts")]
    assert scans and all(e.passed for e in scans)
    assert all(e.passed for e in evaluations), [e.check_name for e in evaluations if not e.passed]

    findings = published_contacts(published)
    assert not findings, [finding.sentence() for finding in findings]
    customers = DeltaTable(str(published / "customers")).to_pyarrow_table().column("customer_id")
    assert customers.length() and all(key.startswith("pk_") for key in customers.to_pylist())


def test_no_secret_reaches_the_console_the_event_log_or_metadata(email_keyed_run):
    result, _, console = email_keyed_run
    assert "customers" in console  # the run did write to the console
    texts = [console]
    for event in result.all_events:
        texts.append(event.message or "")
        texts.append(repr(event.event_specific_data))  # metadata, check evaluations, failures
    everything = "\n".join(texts)
    for name, value in FAKE_SECRETS.items():
        assert value not in everything, f"{name}'s value appears in the run's output"
