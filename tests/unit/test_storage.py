import json

import boto3
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.storage import LocalFolderStore, S3Store, open_store, parse_s3_uri


def _reader(n: int) -> pa.RecordBatchReader:
    table = pa.table({"customer_id": [f"c{i}" for i in range(n)], "revenue": [float(i) for i in range(n)]})
    return pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=7))


def test_local_folder_is_laid_out_like_the_bucket(tmp_path):
    store = open_store(str(tmp_path / "out"))
    assert isinstance(store, LocalFolderStore)
    assert store.write_table("customers", _reader(20)) == 20
    assert pq.read_table(tmp_path / "out/customers/part-00000.parquet").num_rows == 20
    store.write_json("_manifest.json", {"tables": {"customers": 20}})
    assert json.loads((tmp_path / "out/_manifest.json").read_text()) == {"tables": {"customers": 20}}
    # a re-publish replaces the file and leaves no temporary files behind
    store.write_table("customers", _reader(3))
    assert [p.name for p in (tmp_path / "out/customers").iterdir()] == ["part-00000.parquet"]
    assert pq.read_table(tmp_path / "out/customers").num_rows == 3


def test_s3_store_writes_through_the_s3_http_api(s3_endpoint, s3_bucket):
    store = open_store(f"s3://{s3_bucket}/pulse/prod", s3_endpoint)
    assert isinstance(store, S3Store)
    assert store.write_table("customers", _reader(12)) == 12
    store.write_json("_manifest.json", {"ok": True})
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    keys = sorted(o["Key"] for o in client.list_objects_v2(Bucket=s3_bucket)["Contents"])
    assert keys == ["pulse/prod/_manifest.json", "pulse/prod/customers/part-00000.parquet"]
    from pyarrow.fs import S3FileSystem

    fs = S3FileSystem(
        endpoint_override=s3_endpoint, access_key="testing", secret_key="testing", region="us-east-1"
    )
    assert pq.read_table(f"{s3_bucket}/pulse/prod/customers/part-00000.parquet", filesystem=fs).num_rows == 12


def test_read_manifest_is_none_until_one_is_published(tmp_path, s3_endpoint, s3_bucket):
    for store in (open_store(str(tmp_path / "out")), open_store(f"s3://{s3_bucket}/pulse", s3_endpoint)):
        assert store.read_manifest() is None
        store.write_json("_manifest.json", {"run_id": "r1", "tables": {"fct_orders": {"rows": 7}}})
        assert store.read_manifest()["tables"]["fct_orders"]["rows"] == 7


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
