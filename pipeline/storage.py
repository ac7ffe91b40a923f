"""The one place that writes published output (and reads raw files from S3): a local folder or S3.

A local folder is laid out exactly like the bucket: `<root>/<table>/part-00000.parquet` and
`<root>/_manifest.json`. Only this module talks to boto3 or writes published files.
"""

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

PART_NAME = "part-00000.parquet"
MANIFEST_NAME = "_manifest.json"


def _write_parquet(reader: pa.RecordBatchReader, path: Path) -> int:
    rows = 0
    with pq.ParquetWriter(path, reader.schema, compression="zstd") as writer:
        for batch in reader:
            writer.write_batch(batch)
            rows += batch.num_rows
    return rows


@dataclass(frozen=True)
class LocalFolderStore:
    root: Path

    def table_uri(self, table: str) -> str:
        return str(self.root / table)

    def write_table(self, table: str, reader: pa.RecordBatchReader) -> int:
        folder = self.root / table
        folder.mkdir(parents=True, exist_ok=True)
        # write beside, then rename: a reader never sees a half-written file
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".parquet")
        os.close(fd)
        try:
            rows = _write_parquet(reader, Path(tmp))
            os.replace(tmp, folder / PART_NAME)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return rows

    def read_manifest(self) -> dict | None:
        """The last published `_manifest.json`, or None when nothing was published here yet."""
        path = self.root / MANIFEST_NAME
        return json.loads(path.read_text()) if path.is_file() else None

    def write_json(self, name: str, document: dict) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        target = self.root / name
        tmp = target.with_name(f".tmp-{name}")
        tmp.write_text(json.dumps(document, indent=2, sort_keys=True, default=str))
        os.replace(tmp, target)
        return str(target)


@dataclass(frozen=True)
class S3Store:
    bucket: str
    prefix: str
    endpoint_url: str | None = None

    def _client(self):
        import boto3  # credentials come from the environment / instance role, never from settings

        return boto3.client("s3", endpoint_url=self.endpoint_url)

    def _key(self, *parts: str) -> str:
        return "/".join(p.strip("/") for p in (self.prefix, *parts) if p.strip("/"))

    def table_uri(self, table: str) -> str:
        return f"s3://{self.bucket}/{self._key(table)}"

    def write_table(self, table: str, reader: pa.RecordBatchReader) -> int:
        with tempfile.TemporaryDirectory() as tmp:
            local = Path(tmp) / PART_NAME
            rows = _write_parquet(reader, local)
            # one PUT per object is atomic on S3: readers see the old or the new file, never a mix
            self._client().upload_file(str(local), self.bucket, self._key(table, PART_NAME))
        return rows

    def read_manifest(self) -> dict | None:
        """The last published `_manifest.json`, or None when nothing was published here yet."""
        client = self._client()
        try:
            body = client.get_object(Bucket=self.bucket, Key=self._key(MANIFEST_NAME))["Body"].read()
        except client.exceptions.NoSuchKey:
            return None
        return json.loads(body)

    def write_json(self, name: str, document: dict) -> str:
        body = json.dumps(document, indent=2, sort_keys=True, default=str).encode()
        key = self._key(name)
        self._client().put_object(Bucket=self.bucket, Key=key, Body=body, ContentType="application/json")
        return f"s3://{self.bucket}/{key}"

    def download_prefix(self, destination: Path) -> Path:
        """Copy every object under the prefix to `destination` (used for raw files on S3)."""
        client = self._client()
        if destination.exists():
            shutil.rmtree(destination)
        destination.mkdir(parents=True)
        base = self._key()
        paginator = client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=f"{base}/" if base else ""):
            for item in page.get("Contents", []):
                relative = item["Key"][len(base) :].lstrip("/")
                if not relative or relative.endswith("/"):
                    continue
                target = destination / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                client.download_file(self.bucket, item["Key"], str(target))
        return destination


def parse_s3_uri(uri: str) -> tuple[str, str]:
    without_scheme = uri[len("s3://") :]
    bucket, _, prefix = without_scheme.partition("/")
    if not bucket:
        raise ValueError(f"{uri!r} names no bucket; expected s3://bucket/prefix")
    return bucket, prefix.strip("/")


def open_store(uri: str, endpoint_url: str | None = None) -> LocalFolderStore | S3Store:
    if uri.startswith("s3://"):
        bucket, prefix = parse_s3_uri(uri)
        return S3Store(bucket, prefix, endpoint_url)
    return LocalFolderStore(Path(uri))
