"""The storage module's building blocks, without Dagster: file stores (a folder and a real S3 API),
timestamps published as UTC, and which runs retention drops."""

from datetime import UTC, datetime, timedelta

import boto3
import pyarrow as pa
import pytest

from pipeline.settings import PulseSettings
from pipeline.storage import (
    LocalFolderStore,
    S3Store,
    list_keys,
    open_store,
    parse_s3_uri,
    read_bytes,
    write_bytes,
)
from pipeline.storage.delta_tables import with_utc_timestamps
from pipeline.storage.manifest import load_manifest, save_manifests
from pipeline.storage.retention import runs_past_retention


def test_local_folder_writes_whole_files_atomically_and_lists_them_like_a_bucket(tmp_path):
    store = open_store(str(tmp_path / "out"))
    assert isinstance(store, LocalFolderStore)
    store.write_bytes("_models/churn/model.json", b"{}")
    store.write_bytes("audience_exports/lapsed.csv", b"email_sha256\nab\n")
    store.write_bytes("audience_exports/lapsed.csv", b"email_sha256\ncd\n")  # replaced in place
    assert store.read_bytes("audience_exports/lapsed.csv") == b"email_sha256\ncd\n"
    assert [f.key for f in store.list_files("audience")] == ["audience_exports/lapsed.csv"]
    assert [f.key for f in store.list_files()] == ["_models/churn/model.json", "audience_exports/lapsed.csv"]
    # no temporary file is left beside the one written
    assert sorted(p.name for p in (tmp_path / "out/audience_exports").iterdir()) == ["lapsed.csv"]
    with pytest.raises(FileNotFoundError):
        store.read_bytes("audience_exports/missing.csv")
    store.delete_prefix("audience_exports/")
    assert [f.key for f in store.list_files()] == ["_models/churn/model.json"]


@pytest.mark.parametrize(
    "key", ["", "/etc/passwd", "../outside.csv", "a/../../b", "a\\b.csv", "C:/x", "a b.csv", "x/./y", "é.csv"]
)
def test_keys_stay_inside_the_root(tmp_path, key):
    with pytest.raises(ValueError, match="is not a safe storage key: .*keys are relative"):
        open_store(str(tmp_path)).write_bytes(key, b"x")


def test_files_beside_the_tables_go_through_the_publish_root(tmp_path):
    settings = PulseSettings.from_env({"PULSE_PUBLISH_URI": str(tmp_path / "published")})
    uri = write_bytes("audience_exports/vip.csv", b"id\n1\n", settings)
    assert uri == str(tmp_path / "published/audience_exports/vip.csv")
    assert read_bytes("audience_exports/vip.csv", settings) == b"id\n1\n"
    assert list_keys("audience_exports/", settings) == ["audience_exports/vip.csv"]


def test_s3_store_reads_writes_lists_and_deletes_through_the_s3_http_api(s3_endpoint, s3_bucket):
    store = open_store(f"s3://{s3_bucket}/pulse/prod", s3_endpoint)
    assert isinstance(store, S3Store)
    assert store.write_bytes("_runs/r1.json", b"{}") == f"s3://{s3_bucket}/pulse/prod/_runs/r1.json"
    store.write_bytes("audience_exports/vip.csv", b"id\n")
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    client.put_object(Bucket=s3_bucket, Key="pulse/production/other.json", Body=b"not ours")
    assert [f.key for f in store.list_files()] == ["_runs/r1.json", "audience_exports/vip.csv"]
    assert store.read_bytes("audience_exports/vip.csv") == b"id\n"
    with pytest.raises(FileNotFoundError):
        store.read_bytes("_runs/none.json")
    store.delete_prefix("_runs/")
    keys = sorted(o["Key"] for o in client.list_objects_v2(Bucket=s3_bucket)["Contents"])
    assert keys == ["pulse/prod/audience_exports/vip.csv", "pulse/production/other.json"]


def test_delta_storage_options_name_the_endpoint_but_never_a_credential():
    options = S3Store(
        "b", "p", endpoint_url="http://127.0.0.1:9000", region="eu-central-1"
    ).delta_storage_options
    assert options["AWS_ENDPOINT_URL"] == "http://127.0.0.1:9000"
    assert options["AWS_ALLOW_HTTP"] == "true"
    assert options["AWS_REGION"] == "eu-central-1"
    assert options["AWS_S3_ALLOW_UNSAFE_RENAME"] == "true"
    assert not {key for key in options if "KEY" in key or "TOKEN" in key or "SECRET" in key}
    assert (
        "AWS_ALLOW_HTTP" not in S3Store("b", "p", endpoint_url="https://s3.example.com").delta_storage_options
    )


def test_read_manifest_is_none_until_one_is_published(tmp_path, s3_endpoint, s3_bucket):
    for store in (open_store(str(tmp_path / "out")), open_store(f"s3://{s3_bucket}/pulse", s3_endpoint)):
        assert load_manifest(store) is None
        save_manifests(store, {"run_id": "r1", "tables": {"fct_orders": {"rows": 7}}})
        assert load_manifest(store)["tables"]["fct_orders"]["rows"] == 7


def test_s3_prefix_downloads_to_a_local_folder(s3_endpoint, s3_bucket, tmp_path):
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    client.put_object(Bucket=s3_bucket, Key="shop/orders.csv", Body=b"order_id\n1\n")
    client.put_object(Bucket=s3_bucket, Key="shop/order_items/part-1.csv", Body=b"order_id\n1\n")
    folder = open_store(f"s3://{s3_bucket}/shop", s3_endpoint).download_prefix(tmp_path / "copy")
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*.csv")) == [
        "order_items/part-1.csv",
        "orders.csv",
    ]


@pytest.mark.parametrize(("uri", "expected"), [("s3://b/p/q/", ("b", "p/q")), ("s3://b", ("b", ""))])
def test_parse_s3_uri(uri, expected):
    assert parse_s3_uri(uri) == expected


def test_s3_uri_without_bucket_is_refused():
    with pytest.raises(ValueError, match="names no bucket"):
        parse_s3_uri("s3:///prefix")


def test_zone_less_timestamps_are_published_as_the_same_instants_in_utc():
    naive = pa.table(
        {"at": pa.array([0, 86_400_000_000], pa.timestamp("us")), "day": pa.array([0, 1], pa.date32())}
    )
    reader = with_utc_timestamps(pa.RecordBatchReader.from_batches(naive.schema, naive.to_batches()))
    published = reader.read_all()
    assert published.schema.field("at").type == pa.timestamp("us", tz="UTC")
    assert published.schema.field("day").type == pa.date32()
    assert published.column("at").cast(pa.int64()).to_pylist() == [0, 86_400_000_000]


def _run(run_id: str, published: datetime) -> dict:
    return {"run_id": run_id, "published_at": published.isoformat()}


def test_a_run_is_past_retention_once_its_successor_is_older_than_the_window():
    day = datetime(2026, 1, 1, tzinfo=UTC)
    runs = [_run("r1", day), _run("r2", day + timedelta(days=1)), _run("r3", day + timedelta(days=9))]
    cutoff = day + timedelta(days=9) - timedelta(days=7)  # now = r3's time, retention 7 days
    # r1 was replaced by r2 eight days before now; r2 was replaced by r3 just now; r3 is the latest
    assert runs_past_retention(runs, current_run_id="r3", cutoff=cutoff) == ["r1"]
    # the run _manifest.json names (after a rollback) is kept, however old
    assert runs_past_retention(runs, current_run_id="r1", cutoff=cutoff) == []
    assert runs_past_retention(runs[-1:], current_run_id="r3", cutoff=day + timedelta(days=99)) == []


def test_a_killed_publish_leaves_no_staging_folder_behind_the_next_one(tmp_path):
    store = open_store(str(tmp_path))
    (tmp_path / ".staging-killed").mkdir()
    (tmp_path / ".staging-killed" / "part-0.parquet").write_bytes(b"x")
    with store.scratch_dir() as scratch:
        assert [p.name for p in tmp_path.iterdir()] == [scratch.name]
    assert list(tmp_path.iterdir()) == []
