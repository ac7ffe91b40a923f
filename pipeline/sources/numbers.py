"""Number formats (decimal comma or point, thousands separators) detected per file, rewritten as plain text.

`1.234,56`, `1,234.56`, `1 234,56` and `38,74` all become `1234.56` or `38.74`. The decimal separator is
chosen once per file from its values; a value that does not fit it is kept as sent, so the cleaning step
quarantines it as before (`non_numeric_amount`).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

PLAIN = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_SPACES = " \u00a0\u202f'’"  # space, no-break spaces and the Swiss apostrophe group thousands too


def _pattern(decimal: str, thousands: str) -> re.Pattern[str]:
    group, dec = f"[{re.escape(thousands)}]", re.escape(decimal)
    return re.compile(rf"^(?P<sign>[+-]?)(?P<int>\d{{1,3}}(?:{group}\d{{3}})+|\d+)(?:{dec}(?P<frac>\d+))?$")


@dataclass(frozen=True)
class NumberFormat:
    decimal: str  # "." or ","
    label: str

    @property
    def pattern(self) -> re.Pattern[str]:
        thousands = ("." if self.decimal == "," else ",") + _SPACES
        return _pattern(self.decimal, thousands)

    def parse(self, text: str) -> str | None:
        match = self.pattern.match(text)
        if not match:
            return None
        digits = re.sub(r"\D", "", match["int"])
        return f"{'-' if match['sign'] == '-' else ''}{digits}" + (
            f".{match['frac']}" if match["frac"] else ""
        )


POINT = NumberFormat(".", "decimal point")
COMMA = NumberFormat(",", "decimal comma")
# a separator followed by anything but exactly three digits at the end can only be the decimal one
_ONLY_DECIMAL = {
    ",": re.compile(r",(\d{1,2}|\d{4,})$|\.\d{3},\d+$"),
    ".": re.compile(r"\.(\d{1,2}|\d{4,})$|,\d{3}\.\d+$"),
}


def detect(values: Sequence[str], delimiter: str | None) -> NumberFormat:
    """Decimal comma when the values say so (`38,74`, `1.234,56`), decimal point when they say so; with no
    evidence either way (`1,234` only), a semicolon-separated file is taken as European."""
    comma = sum(1 for v in values if _ONLY_DECIMAL[","].search(v))
    point = sum(1 for v in values if _ONLY_DECIMAL["."].search(v))
    if comma != point:
        return COMMA if comma > point else POINT
    return COMMA if delimiter == ";" and any("," in v for v in values) else POINT
