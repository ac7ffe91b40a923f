"""Every object the storage module writes to S3 is encrypted at rest (PULSE_S3_SSE, AES256 by default):
whole files through boto3, and a Delta table's data files and commits through delta-rs alike."""

import boto3
import pyarrow as pa
import pytest

from pipeline.settings import PulseSettings, SettingsError
from pipeline.storage import TableSource, open_store, publish_run, store_for
from pipeline.storage.encryption import Encryption


def _encryption_of_every_object(endpoint: str, bucket: str) -> dict[str, str | None]:
    client = boto3.client("s3", endpoint_url=endpoint)
    keys = [item["Key"] for item in client.list_objects_v2(Bucket=bucket)["Contents"]]
    return {key: client.head_object(Bucket=bucket, Key=key).get("ServerSideEncryption") for key in keys}


def test_a_published_run_is_encrypted_with_aes256_by_default(s3_endpoint, s3_bucket):
    settings = PulseSettings.from_env(
        {"PULSE_PUBLISH_URI": f"s3://{s3_bucket}/pulse", "PULSE_S3_ENDPOINT_URL": s3_endpoint}
    )
    store = store_for(settings.publish_uri, settings)
    table = pa.table({"customer_id": ["pk_1", "pk_2"], "amount": [1.0, 2.0]})
    for run_id in ("r1", "r2"):  # the first commit creates the table, the second overwrites it
        publish_run(store, run_id=run_id, as_of="2025-01-01", as_of_source="test",
                    tables=[TableSource("customers", table.to_reader)])  # fmt: skip
    store.write_bytes("audience_exports/lapsed.csv", b"customer_id\npk_1\n")
    encryption = _encryption_of_every_object(s3_endpoint, s3_bucket)
    assert any("/_delta_log/" in key for key in encryption)
    assert any(key.endswith(".parquet") for key in encryption)
    assert set(encryption.values()) == {"AES256"}, encryption


def test_kms_encryption_names_its_key(s3_endpoint, s3_bucket):
    kms = Encryption("aws:kms", "alias/pulse")
    open_store(f"s3://{s3_bucket}/pulse", s3_endpoint, encryption=kms).write_bytes("_runs/r1.json", b"{}")
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    head = client.head_object(Bucket=s3_bucket, Key="pulse/_runs/r1.json")
    assert head["ServerSideEncryption"] == "aws:kms"


def test_encryption_can_be_turned_off_for_stores_without_it(s3_endpoint, s3_bucket):
    store = open_store(f"s3://{s3_bucket}/pulse", s3_endpoint, encryption=Encryption("none"))
    store.write_bytes("_runs/r1.json", b"{}")
    assert set(_encryption_of_every_object(s3_endpoint, s3_bucket).values()) == {None}
    assert store.delta_storage_options.get("aws_server_side_encryption") is None


def test_encryption_settings_are_checked():
    assert PulseSettings.from_env({}).s3_sse == "AES256"
    kms = PulseSettings.from_env({"PULSE_S3_SSE": "aws:kms", "PULSE_S3_KMS_KEY_ID": "alias/pulse"})
    assert (kms.s3_sse, kms.s3_kms_key_id) == ("aws:kms", "alias/pulse")
    with pytest.raises(SettingsError, match="PULSE_S3_SSE='sse-c' is not AES256, aws:kms or none"):
        PulseSettings.from_env({"PULSE_S3_SSE": "sse-c"})
    with pytest.raises(SettingsError, match="PULSE_S3_KMS_KEY_ID is set"):
        PulseSettings.from_env({"PULSE_S3_KMS_KEY_ID": "alias/pulse"})
