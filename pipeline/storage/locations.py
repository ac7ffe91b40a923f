"""Where published output and raw files live, a local folder or an S3 prefix, behind one interface.

Objects are addressed by keys relative to the root (`customers/_delta_log/…`, `_runs/<run_id>.json`);
a local folder is laid out exactly like the bucket. `write_bytes` is atomic per file: a temporary file
renamed into place locally, a single PUT on S3. Credentials come from the AWS SDKs' own chain
(environment, profile, instance role); this module never reads, keeps or logs them.
"""

import errno
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipeline.settings import PulseSettings
from pipeline.storage.encryption import Encryption
from pipeline.storage.object_keys import checked_key

# Transient S3 errors (throttling, 5xx, dropped connections, timeouts) are retried with backoff, by
# boto3 and by delta-rs alike. Module constants, so a test that stops the server can shorten them.
S3_MAX_ATTEMPTS = 10
S3_CONNECT_TIMEOUT_SECONDS = 10
S3_READ_TIMEOUT_SECONDS = 120
_MULTIPART_CHUNK_BYTES = 64 << 20  # each part is retried on its own; 64 MB keeps retries cheap
_TEMP_PREFIX = ".tmp-"


@dataclass(frozen=True)
class StoredFile:
    key: str  # relative to the store's root, '/'-separated
    size: int
    fingerprint: str  # changes when the content does: mtime in ns (folder) or ETag (S3)


@dataclass(frozen=True)
class LocalFolderStore:
    root: Path

    def uri(self, key: str = "") -> str:
        return str(self.root / key) if key else str(self.root)

    @property
    def delta_storage_options(self) -> dict[str, str] | None:
        return None

    def _path(self, key: str) -> Path:
        return self.root / checked_key(key)

    def write_bytes(self, key: str, data: bytes) -> str:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=_TEMP_PREFIX)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o644)  # mkstemp makes it private; published files are for their readers
            os.replace(tmp, target)  # atomic: a reader sees the old file or the new one
        except OSError as error:
            if error.errno != errno.ENOSPC:
                raise
            raise OSError(
                errno.ENOSPC,
                f"No space left on device writing {key} to {self.root}: free space there or set "
                "PULSE_PUBLISH_URI to a larger location",
            ) from error
        finally:
            Path(tmp).unlink(missing_ok=True)
        return str(target)

    def read_bytes(self, key: str) -> bytes:
        """The file's content; FileNotFoundError when there is none."""
        return self._path(key).read_bytes()

    def list_files(self, prefix: str = "") -> list[StoredFile]:
        """Every file whose key starts with `prefix` (S3 semantics); hidden (temporary, staging) left out."""
        start = self.root / prefix.rpartition("/")[0]
        found = []
        for folder, subfolders, names in os.walk(start):
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
            for name in names:
                path = Path(folder) / name
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix) and not name.startswith("."):
                    stat = path.stat()
                    found.append(StoredFile(key, stat.st_size, str(stat.st_mtime_ns)))
        return sorted(found, key=lambda f: f.key)

    def put_file(self, local: Path, key: str) -> None:
        """Move a finished local file to `key` (a rename when both are on one filesystem)."""
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(local, target)

    def delete(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> None:
        self.delete(f.key for f in self.list_files(prefix))

    @contextmanager
    def scratch_dir(self) -> Iterator[Path]:
        """A working folder on the same filesystem as the root, so staged files move by renaming."""
        self.root.mkdir(parents=True, exist_ok=True)
        # one publish at a time: a staging folder still here is a killed run's, and nobody needs it
        for stale in self.root.glob(".staging-*"):
            shutil.rmtree(stale, ignore_errors=True)
        with tempfile.TemporaryDirectory(dir=self.root, prefix=".staging-") as scratch:
            yield Path(scratch)


@dataclass(frozen=True)
class S3Store:
    bucket: str
    prefix: str
    endpoint_url: str | None = None
    region: str | None = None
    # every object written (boto3 uploads and delta-rs commits alike) asks S3 to encrypt it at rest
    encryption: Encryption = Encryption()

    def _client(self):
        import boto3  # credentials come from the environment / profile / instance role, never from settings
        from botocore.config import Config

        config = Config(
            retries={"max_attempts": S3_MAX_ATTEMPTS, "mode": "standard"},
            connect_timeout=S3_CONNECT_TIMEOUT_SECONDS,
            read_timeout=S3_READ_TIMEOUT_SECONDS,
        )
        return boto3.client("s3", endpoint_url=self.endpoint_url, region_name=self.region, config=config)

    def _key(self, key: str = "") -> str:
        if not key:
            return self.prefix
        checked_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def uri(self, key: str = "") -> str:
        return f"s3://{self.bucket}/{self._key(key)}".rstrip("/")

    @property
    def delta_storage_options(self) -> dict[str, str]:
        """delta-rs options; keys and tokens stay with the SDK's credential chain."""
        options = {
            # safe: one pipeline run at a time is the only writer (dagster_home/dagster.yaml)
            "AWS_S3_ALLOW_UNSAFE_RENAME": "true",
            "max_retries": str(S3_MAX_ATTEMPTS),
            "timeout": f"{S3_READ_TIMEOUT_SECONDS}s",
            "connect_timeout": f"{S3_CONNECT_TIMEOUT_SECONDS}s",
        }
        if self.endpoint_url:
            options["AWS_ENDPOINT_URL"] = self.endpoint_url
            if self.endpoint_url.startswith("http://"):
                options["AWS_ALLOW_HTTP"] = "true"
        if self.region:
            options["AWS_REGION"] = self.region
        return {**options, **self.encryption.delta_options()}

    def write_bytes(self, key: str, data: bytes) -> str:
        # one PUT is atomic on S3: readers see the old object or the new one, never a mix
        self._client().put_object(
            Bucket=self.bucket, Key=self._key(key), Body=data, **self.encryption.boto3_args()
        )
        return self.uri(key)

    def read_bytes(self, key: str) -> bytes:
        """The object's content; FileNotFoundError when there is none."""
        client = self._client()
        try:
            return client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except client.exceptions.NoSuchKey:
            raise FileNotFoundError(self.uri(key)) from None

    def list_files(self, prefix: str = "") -> list[StoredFile]:
        """Every object whose key starts with `prefix`, keys relative to the store's prefix."""
        base = f"{self.prefix}/" if self.prefix else ""
        found = []
        paginator = self._client().get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=base + prefix):
            for item in page.get("Contents", []):
                relative = item["Key"][len(base) :]
                if relative and not relative.endswith("/"):
                    found.append(StoredFile(relative, item["Size"], item["ETag"].strip('"')))
        return found

    def put_file(self, local: Path, key: str) -> None:
        """Upload a finished local file to `key` (multipart for large files, each part retried), then
        delete the local copy."""
        from boto3.s3.transfer import TransferConfig

        transfer = TransferConfig(multipart_chunksize=_MULTIPART_CHUNK_BYTES)
        self._client().upload_file(
            str(local), self.bucket, self._key(key), Config=transfer, ExtraArgs=self.encryption.boto3_args()
        )
        local.unlink()

    def delete(self, keys: Iterable[str]) -> None:
        client = self._client()
        pending = [{"Key": self._key(key)} for key in keys]
        for start in range(0, len(pending), 1000):  # the API's limit per request
            client.delete_objects(Bucket=self.bucket, Delete={"Objects": pending[start : start + 1000]})

    def delete_prefix(self, prefix: str) -> None:
        self.delete(f.key for f in self.list_files(prefix))

    @contextmanager
    def scratch_dir(self) -> Iterator[Path]:
        with tempfile.TemporaryDirectory(prefix="pulse-staging-") as scratch:
            yield Path(scratch)

    def download_prefix(self, destination: Path) -> Path:
        """Copy every object under the prefix to `destination` (used for raw files on S3)."""
        client = self._client()
        if destination.exists():
            shutil.rmtree(destination)
        destination.mkdir(parents=True)
        for stored in self.list_files():
            target = destination / stored.key
            target.parent.mkdir(parents=True, exist_ok=True)
            client.download_file(self.bucket, self._key(stored.key), str(target))
        return destination


Store = LocalFolderStore | S3Store
DEFAULT_ENCRYPTION = Encryption()


def parse_s3_uri(uri: str) -> tuple[str, str]:
    without_scheme = uri[len("s3://") :]
    bucket, _, prefix = without_scheme.partition("/")
    if not bucket:
        raise ValueError(f"{uri!r} names no bucket; expected s3://bucket/prefix")
    return bucket, prefix.strip("/")


def open_store(
    uri: str,
    endpoint_url: str | None = None,
    region: str | None = None,
    encryption: Encryption = DEFAULT_ENCRYPTION,
) -> Store:
    if uri.startswith("s3://"):
        bucket, prefix = parse_s3_uri(uri)
        return S3Store(bucket, prefix, endpoint_url, region, encryption)
    return LocalFolderStore(Path(uri))


def store_for(uri: str, settings: PulseSettings) -> Store:
    """A folder or S3 prefix, reached with the configured endpoint and region."""
    encryption = Encryption(settings.s3_sse, settings.s3_kms_key_id)
    return open_store(uri, settings.s3_endpoint_url, settings.s3_region, encryption)


def publish_store(settings: PulseSettings | None = None) -> Store:
    """The root every published table, manifest and file sits under (PULSE_PUBLISH_URI)."""
    settings = settings or PulseSettings.from_env()
    return store_for(settings.publish_uri, settings)
