"""Timestamp formats a shop's export may use, detected per file, and their rewriting as ISO-8601 UTC text.

A file's format is chosen once from a sample of its values (the format most values parse with); every row
is then parsed with that one format, so an odd row cannot flip the column. A value the format cannot
parse is kept as sent, and the cleaning step quarantines it as before (`unparseable_timestamp`).
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from pipeline.settings.sources import days_since_origin

_TIME = (
    r"(?:[T ]\s*(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"(?:\s*(?P<ap>[AaPp][Mm]))?)?"
)
_ZONE = r"(?:\s*(?P<z>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?"
# already what the cleaning step parses on any engine: passed through untouched when no zone shift applies
CANONICAL = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})?)?$")
_EPOCH_S = re.compile(r"^(?P<n>\d{9,10})(?:\.\d+)?$")
_EPOCH_MS = re.compile(r"^(?P<n>\d{12,13})$")
_DAY_NUMBER = re.compile(r"^-?\d{1,7}(?:\.0+)?$")  # a whole number, as a spreadsheet may write it (12.0)


def _calendar(date_part: str) -> re.Pattern[str]:
    return re.compile(rf"^{date_part}{_TIME}{_ZONE}$")


@dataclass(frozen=True)
class TimestampFormat:
    name: str
    label: str  # how the console states it
    parse: Callable[[str, ZoneInfo], datetime | str | None]  # a UTC datetime, a bare date, or None


def _zone_offset(zone: str) -> timezone | None:
    if zone in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) > 2 else 0)
    return timezone(sign * timedelta(minutes=minutes))


def _from_parts(parts: dict[str, str | None], tz: ZoneInfo) -> datetime | str | None:
    try:
        year, month, day = int(parts["y"]), int(parts["mo"]), int(parts["d"])
        if parts["h"] is None:
            datetime(year, month, day)  # a bare date stays a date: no timezone can move its day
            return f"{year:04d}-{month:02d}-{day:02d}"
        hour = int(parts["h"])
        if parts["ap"]:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if parts["ap"].lower() == "pm" else 0)
        micro = int((parts["f"] or "0")[:6].ljust(6, "0"))
        moment = datetime(year, month, day, hour, int(parts["mi"]), int(parts["s"] or 0), micro)
    except ValueError:
        return None
    zone = _zone_offset(parts["z"]) if parts["z"] else tz
    return moment.replace(tzinfo=zone).astimezone(UTC)


def _calendar_format(name: str, label: str, date_part: str) -> TimestampFormat:
    pattern = _calendar(date_part)

    def parse(text: str, tz: ZoneInfo) -> datetime | str | None:
        match = pattern.match(text)
        return _from_parts(match.groupdict(), tz) if match else None

    return TimestampFormat(name, label, parse)


def _epoch_format(name: str, label: str, pattern: re.Pattern[str], per_second: int) -> TimestampFormat:
    def parse(text: str, tz: ZoneInfo) -> datetime | None:
        match = pattern.match(text)
        if not match:
            return None
        # epoch values carry their own zone (UTC); seconds with a fraction keep it
        seconds = float(text) if per_second == 1 else int(match["n"]) / per_second
        return datetime.fromtimestamp(seconds, UTC)

    return TimestampFormat(name, label, parse)


_YMD = r"(?P<y>\d{4})[-/](?P<mo>\d{1,2})[-/](?P<d>\d{1,2})"
# in the order a tie is broken: ISO first, then day-first (the more common outside the US)
FORMATS: tuple[TimestampFormat, ...] = (
    _calendar_format("iso", "year-month-day (ISO 8601)", _YMD),
    _calendar_format("dmy", "day/month/year", r"(?P<d>\d{1,2})/(?P<mo>\d{1,2})/(?P<y>\d{4})"),
    _calendar_format("mdy", "month/day/year", r"(?P<mo>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})"),
    _calendar_format("dmy_dot", "day.month.year", r"(?P<d>\d{1,2})[.-](?P<mo>\d{1,2})[.-](?P<y>\d{4})"),
    _epoch_format("epoch_s", "epoch seconds", _EPOCH_S, 1),
    _epoch_format("epoch_ms", "epoch milliseconds", _EPOCH_MS, 1000),
)
_BY_NAME = {f.name: f for f in FORMATS}


def forced_format(pattern: str, set_by: str = "PULSE_TIMESTAMP_FORMAT") -> TimestampFormat:
    """PULSE_TIMESTAMP_FORMAT (or a column mapping's): an epoch name, or a strptime pattern (%z for an
    offset); `set_by` names where it was set, for the console."""
    if pattern in _BY_NAME:
        return _BY_NAME[pattern]
    if (origin := days_since_origin(pattern)) is not None:
        return _days_since(origin, f"{set_by} {pattern}")

    def parse(text: str, tz: ZoneInfo) -> datetime | None:
        try:
            moment = datetime.strptime(text, pattern)
        except ValueError:
            return None
        return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).astimezone(UTC)

    return TimestampFormat("forced", f"{set_by} {pattern}", parse)


def _days_since(origin: date, label: str) -> TimestampFormat:
    """Day numbers from `origin` (day 1 is the day after it): bare dates, which no timezone moves."""

    def parse(text: str, tz: ZoneInfo) -> str | None:
        if not _DAY_NUMBER.match(text):
            return None
        try:
            return (origin + timedelta(days=int(float(text)))).isoformat()
        except OverflowError:  # beyond year 9999
            return None

    return TimestampFormat("days_since", label, parse)


def _sequence_order(values: Sequence[str], fmt: TimestampFormat, tz: ZoneInfo) -> int:
    """How many neighbouring values are in time order (either way) under `fmt`: exports are sorted by time
    (Shopify's newest first), so the reading of day and month under which the file runs in order wins."""
    parsed = [fmt.parse(v, tz) for v in values]
    moments = [m if isinstance(m, datetime) else datetime.fromisoformat(m) for m in parsed if m is not None]
    moments = [m.replace(tzinfo=UTC) if m.tzinfo is None else m for m in moments]
    pairs = list(zip(moments, moments[1:], strict=False))
    return max(sum(a <= b for a, b in pairs), sum(a >= b for a, b in pairs))


@dataclass(frozen=True)
class Detected:
    format: TimestampFormat
    parsed: int  # sample values the format parses
    sampled: int
    why: str  # the evidence, for the console line


def detect(values: Sequence[str], tz: ZoneInfo) -> Detected | None:
    """The format most of the sample parses with; day/month order from values above 12, else from the order
    of the file. None when no format parses any value."""
    counts = {f.name: sum(1 for v in values if f.parse(v, tz) is not None) for f in FORMATS}
    best = max(FORMATS, key=lambda f: counts[f.name])  # max keeps the first of equal counts
    if counts[best.name] == 0:
        return None
    why = ""
    if best.name in ("dmy", "mdy"):
        other = _BY_NAME["mdy" if best.name == "dmy" else "dmy"]
        if counts[other.name] == counts[best.name]:
            # every day and month is 12 or less: the reading under which the file runs in time order wins
            ordered = {f.name: _sequence_order(values, f, tz) for f in (_BY_NAME["dmy"], _BY_NAME["mdy"])}
            if ordered["mdy"] > ordered["dmy"]:
                best = _BY_NAME["mdy"]
            decided = (
                "the file runs in time order that way"
                if len(set(ordered.values())) > 1
                else ("undecidable from the values, day first assumed; set PULSE_TIMESTAMP_FORMAT if wrong")
            )
            why = f"every day and month is 12 or less: {decided}"
        else:
            example = next(v for v in values if best.parse(v, tz) and not other.parse(v, tz))
            why = f"e.g. {example!r} fits no other order"
    return Detected(best, counts[best.name], len(values), why)


def as_text(parsed: datetime | str) -> str:
    """ISO-8601 UTC text (`2024-12-02T00:27:53Z`), or the bare date as it is."""
    if isinstance(parsed, str):
        return parsed
    pattern = "%Y-%m-%dT%H:%M:%S.%fZ" if parsed.microsecond else "%Y-%m-%dT%H:%M:%SZ"
    return parsed.strftime(pattern)
