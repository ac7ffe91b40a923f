"""Server-side encryption of every object the storage module writes to S3 (PULSE_S3_SSE), as the two
writers spell it: boto3's request arguments and delta-rs' object_store options."""

from dataclasses import dataclass

MODES = ("AES256", "aws:kms", "none")


@dataclass(frozen=True)
class Encryption:
    mode: str = "AES256"  # SSE-S3: on by default, nothing to configure on AWS
    kms_key_id: str | None = None  # aws:kms only; None uses the account's AWS managed key (aws/s3)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"server-side encryption {self.mode!r} is not one of {', '.join(MODES)}")
        if self.kms_key_id and self.mode != "aws:kms":
            raise ValueError(f"a KMS key is set but server-side encryption is {self.mode!r}, not 'aws:kms'")

    def boto3_args(self) -> dict[str, str]:
        """ExtraArgs / put_object arguments."""
        if self.mode == "none":
            return {}
        args = {"ServerSideEncryption": self.mode}
        if self.kms_key_id:
            args["SSEKMSKeyId"] = self.kms_key_id
        return args

    def delta_options(self) -> dict[str, str]:
        """delta-rs storage options (object_store's AmazonS3 config keys)."""
        if self.mode == "none":
            return {}
        options = {"aws_server_side_encryption": self.mode}
        if self.kms_key_id:
            options["aws_sse_kms_key_id"] = self.kms_key_id
        return options
