"""The new-raw-files sensor: which listings start a run, and a real tick over a real folder."""

import dagster as dg

from pipeline.defs.automation.sensors import decide, listing_fingerprint, new_raw_files_sensor
from pipeline.resources import PulseSettingsResource
from pipeline.storage import StoredFile


def test_the_fingerprint_follows_names_sizes_and_versions_but_not_hidden_files():
    orders = StoredFile("orders.csv", 10, "etag-1")
    base = listing_fingerprint([orders])
    assert base and base == listing_fingerprint([orders, StoredFile("_SUCCESS", 0, "x")])
    assert base == listing_fingerprint([orders, StoredFile("order_items/.part-1.csv.tmp", 5, "x")])
    assert base != listing_fingerprint([StoredFile("orders.csv", 11, "etag-1")])
    assert base != listing_fingerprint([StoredFile("orders.csv", 10, "etag-2")])
    assert base != listing_fingerprint([orders, StoredFile("order_items/part-1.csv", 5, "x")])
    assert listing_fingerprint([StoredFile("_demo.json", 1, "x")]) == ""


def test_a_run_starts_once_a_changed_listing_holds_for_one_more_tick():
    first = decide(None, "a")
    assert not first.run and "waiting" in first.reason
    second = decide(first.cursor, "a")
    assert second.run
    assert not decide(second.cursor, "a").run  # nothing new since the run
    still_uploading = decide(second.cursor, "b")
    assert not still_uploading.run
    assert not decide(still_uploading.cursor, "c").run  # changed again: wait again
    assert decide(decide(still_uploading.cursor, "c").cursor, "c").run
    assert not decide(None, "").run  # an empty or missing folder never starts a run


def test_a_tick_over_a_folder_requests_a_run_when_files_arrive(tmp_path, monkeypatch):
    monkeypatch.setenv("PULSE_RAW_PATH", str(tmp_path))
    resources = {"pulse": PulseSettingsResource()}
    with dg.build_sensor_context(resources=resources) as context:
        assert isinstance(new_raw_files_sensor(context), dg.SkipReason)  # empty folder
        (tmp_path / "orders.csv").write_text("order_id\n1\n")
        assert isinstance(new_raw_files_sensor(context), dg.SkipReason)  # just arrived: wait a tick
        request = new_raw_files_sensor(context)
        assert isinstance(request, dg.RunRequest) and request.run_key
        assert isinstance(new_raw_files_sensor(context), dg.SkipReason)
