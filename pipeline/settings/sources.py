"""Settings of how a shop's export is read (PULSE_SOURCE_FORMAT, a column mapping, timestamps, the pseudonym
salt)."""

import re
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.settings.environment import EnvReader, SettingsError

SOURCE_FORMATS = ("auto", "contract", "shopify", "woocommerce", "mapping")
# PULSE_TIMESTAMP_FORMAT takes a strptime pattern or one of these names (epoch seconds / milliseconds)
EPOCH_FORMATS = ("epoch_s", "epoch_ms")
# day numbers counted from a date the shop names (a till system's DAY 1, 2, … with no calendar date)
DAYS_SINCE = re.compile(r"^days since (\d{4}-\d{2}-\d{2})$")
FORMAT_CHOICES = (
    f"a strptime pattern (e.g. %d/%m/%Y %H:%M), {', '.join(EPOCH_FORMATS)}, or 'days since YYYY-MM-DD'"
)


def days_since_origin(value: str) -> date | None:
    """The day a 'days since YYYY-MM-DD' format counts from; None for any other format (or no such day)."""
    match = DAYS_SINCE.match(value)
    if not match:
        return None
    try:
        return date.fromisoformat(match[1])
    except ValueError:
        return None


def is_timestamp_format(value: str) -> bool:
    """What PULSE_TIMESTAMP_FORMAT (and a mapping's timestamp_format) accepts."""
    return value in EPOCH_FORMATS or days_since_origin(value) is not None or "%" in value


def is_timezone(name: str) -> bool:
    """An IANA timezone name (Europe/Berlin, UTC), as PULSE_SOURCE_TIMEZONE and a mapping's timezone take."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@dataclass(frozen=True)
class SourceSettings:
    # auto: a pulse_mapping.yml in the raw folder, else a Shopify or WooCommerce export recognised by its
    # file names and header, else the contract; mapping: read through a column mapping file
    source_format: str = "auto"
    # the column mapping file (PULSE_SOURCE_MAPPING): absolute, or relative to the raw folder
    source_mapping: str | None = None
    # the timezone of timestamps written without an offset
    source_timezone: str = "UTC"
    # force one timestamp format for every file (a strptime pattern such as %d/%m/%Y %H:%M); None detects
    timestamp_format: str | None = None
    # keys customer e-mails and phones into pseudonyms; None: a salt file beside the warehouse (never logged)
    pseudonym_salt: str | None = field(default=None, repr=False)
    # set only by a column mapping for its own files (no PULSE_* variable): a forced decimal separator, and
    # what forced the timestamp format, for the console line
    decimal_separator: str | None = None
    formats_set_by: str = "PULSE_TIMESTAMP_FORMAT"

    @classmethod
    def from_env(cls, env: EnvReader) -> "SourceSettings":
        source_format = (env.text("PULSE_SOURCE_FORMAT") or cls.source_format).lower()
        if source_format not in SOURCE_FORMATS:
            raise SettingsError(
                f"PULSE_SOURCE_FORMAT={source_format!r} is not one of {', '.join(SOURCE_FORMATS)}"
            )
        mapping = env.text("PULSE_SOURCE_MAPPING")
        if mapping is not None:
            if source_format not in ("auto", "mapping"):
                raise SettingsError(
                    f"PULSE_SOURCE_MAPPING is set but PULSE_SOURCE_FORMAT={source_format!r}: a mapping reads "
                    "the files itself; unset one of them"
                )
            source_format = "mapping"  # a mapping named is a mapping used
        timezone = env.text("PULSE_SOURCE_TIMEZONE") or cls.source_timezone
        if not is_timezone(timezone):
            raise SettingsError(
                f"PULSE_SOURCE_TIMEZONE={timezone!r} is not an IANA timezone (e.g. Europe/Berlin, UTC)"
            )
        timestamp_format = env.text("PULSE_TIMESTAMP_FORMAT")
        if timestamp_format is not None and not is_timestamp_format(timestamp_format):
            raise SettingsError(
                f"PULSE_TIMESTAMP_FORMAT={timestamp_format!r} is not a timestamp format: use {FORMAT_CHOICES}"
            )
        return cls(
            source_format=source_format,
            source_mapping=mapping,
            source_timezone=timezone,
            timestamp_format=timestamp_format,
            pseudonym_salt=env.text("PULSE_PSEUDONYM_SALT"),
        )
