"""Settings of how a shop's export is read (PULSE_SOURCE_FORMAT, timestamps, the pseudonym salt)."""

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.settings.environment import EnvReader, SettingsError

SOURCE_FORMATS = ("auto", "contract", "shopify", "woocommerce")
# PULSE_TIMESTAMP_FORMAT takes a strptime pattern or one of these names (epoch seconds / milliseconds)
EPOCH_FORMATS = ("epoch_s", "epoch_ms")


@dataclass(frozen=True)
class SourceSettings:
    # auto: a Shopify or WooCommerce export is recognised by its file names and header, else the contract
    source_format: str = "auto"
    # the timezone of timestamps written without an offset
    source_timezone: str = "UTC"
    # force one timestamp format for every file (a strptime pattern such as %d/%m/%Y %H:%M); None detects
    timestamp_format: str | None = None
    # keys customer e-mails and phones into pseudonyms; None: a salt file beside the warehouse (never logged)
    pseudonym_salt: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, env: EnvReader) -> "SourceSettings":
        source_format = (env.text("PULSE_SOURCE_FORMAT") or cls.source_format).lower()
        if source_format not in SOURCE_FORMATS:
            raise SettingsError(
                f"PULSE_SOURCE_FORMAT={source_format!r} is not one of {', '.join(SOURCE_FORMATS)}"
            )
        timezone = env.text("PULSE_SOURCE_TIMEZONE") or cls.source_timezone
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise SettingsError(
                f"PULSE_SOURCE_TIMEZONE={timezone!r} is not an IANA timezone (e.g. Europe/Berlin, UTC)"
            ) from error
        timestamp_format = env.text("PULSE_TIMESTAMP_FORMAT")
        if (
            timestamp_format is not None
            and timestamp_format not in EPOCH_FORMATS
            and "%" not in timestamp_format
        ):
            raise SettingsError(
                f"PULSE_TIMESTAMP_FORMAT={timestamp_format!r} is neither a strptime pattern "
                f"(e.g. %d/%m/%Y %H:%M) nor one of {', '.join(EPOCH_FORMATS)}"
            )
        return cls(
            source_format=source_format,
            source_timezone=timezone,
            timestamp_format=timestamp_format,
            pseudonym_salt=env.text("PULSE_PSEUDONYM_SALT"),
        )
